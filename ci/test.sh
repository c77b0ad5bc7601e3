#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit and integration); then
# the same tests under ASan+UBSan (ci/sanitize.sh) and each libFuzzer target briefly
# (ci/fuzz.sh). Between the two: the official conformance suite (ci/official-suite.sh),
# interop with third-party servers (ci/interop.sh), the replicas recipe
# (ci/replicas.sh) and a smoke run of bench/run.sh.
# SKIP_SANITIZERS=1 skips the sanitizer and fuzzer stages.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/ci/install-deps.sh"
"$root/ci/build.sh" "$@"
build_dir="${BUILD_DIR:-$root/build}"
(cd "$build_dir" && ctest -j "${JOBS:-2}" --output-on-failure --timeout 600)
# The official conformance suite is our floor: every active server scenario passes.
"$root/ci/official-suite.sh" "$build_dir"
# Interop with third-party servers from npm: findings are reported, not gating
# (docs/interop.md); only a server the harness cannot start fails the run.
BUILD_DIR="$build_dir" "$root/ci/interop.sh"
# The deployment recipe (docs/deployment.md): PostgreSQL, Redis, three replicas behind
# haproxy; the full run, one budget, load, and the kill-a-replica drill through it.
BUILD_DIR="$build_dir" "$root/ci/replicas.sh"
# The benchmarks must run (targets are judged on full runs, not here).
BENCH_SMOKE=1 "$root/bench/run.sh"
if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  "$root/ci/sanitize.sh"
  "$root/ci/fuzz.sh"
fi
