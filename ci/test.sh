#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit and integration).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/ci/install-deps.sh"
"$root/ci/build.sh" "$@"
build_dir="${BUILD_DIR:-$root/build}"
cd "$build_dir"
ctest -j "${JOBS:-2}" --output-on-failure --timeout 600
