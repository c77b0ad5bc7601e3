#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, and runs each for
# FUZZ_SECONDS (default 10) from the committed seed corpus in fuzz/corpus/<target>/.
# New inputs go to a scratch corpus; a crash leaves its input in build-fuzz/artifacts/
# and fails the script.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${FUZZ_SECONDS:-10}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMCP_FUZZERS=ON -DMCP_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_targets -j "${JOBS:-2}"
mkdir -p "$build/artifacts"
for target in jsonrpc_parse sse_parse json_schema jwt_verify http_request; do
  scratch="$build/corpus/$target"
  mkdir -p "$scratch"
  echo "== fuzz_$target for ${seconds}s"
  "$build/bin/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "$scratch" "$root/fuzz/corpus/$target" 2>&1 |
    grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|INFO: Loaded)" || true
  if ls "$build/artifacts/$target-"* >/dev/null 2>&1; then
    echo "fuzz_$target found a failing input: $(ls "$build/artifacts/$target-"*)" >&2
    exit 1
  fi
done
echo "fuzz: every target ran ${seconds}s without a finding"
