#!/usr/bin/env bash
# Configures and builds into build/ (or $BUILD_DIR). Extra arguments go to cmake,
# e.g. ci/build.sh -DMCP_SANITIZE=ON. BUILD_TARGETS (space-separated) limits the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
# shellcheck disable=SC2086  # BUILD_TARGETS is a word list
cmake --build "$build_dir" -j "${JOBS:-2}" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
