#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan/ and runs the tests there: unit tests, and the integration tests that
# drive every component (reference server on both transports and in each auth
# mode, fuzzing, hostile servers, idempotency, telemetry). The fixture-manifest
# runs, per-version reruns, runaway scenarios and fixture fuzzing repeat those
# code paths with other inputs and are left to the normal build, to keep CI short.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export BUILD_DIR="${ASAN_BUILD_DIR:-$root/build-asan}"
# -O1: what ASan recommends, and half the compile time of -O2 on two cores.
# Only what the tests below run (the test binaries depend on the three programs):
# the benchmarks are not run here.
BUILD_TARGETS="unit_tests integration_tests storage_tests" BUILD_TYPE=Debug "$root/ci/build.sh" -DMCP_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$BUILD_DIR"
ctest -j "${JOBS:-2}" --output-on-failure --timeout 900 \
  -E 'Packaging|Browser|Examples|Template|Readme|Manifest/Fixture|EveryVersion|FuzzFinds|Runaway|RedisBackend|OtelInterop|bench_smoke'
