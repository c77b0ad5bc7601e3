#!/usr/bin/env bash
# Runs the benchmarks and prints their figures, each beside a baseline measured in
# the same run. BENCH_SMOKE=1 shortens every run (CI uses it to prove the benchmarks
# run; targets are judged on full runs: docs/performance.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/ci/install-deps.sh"
"$root/ci/build.sh" >/dev/null
bin="${BUILD_DIR:-$root/build}/bin"
smoke="${BENCH_SMOKE:-0}"
started=$(date +%s)
section() { echo; echo "== $1"; }

section "microbenchmarks (Google Benchmark; ratio = measured / baseline, lower is better)"
micro_json="$(mktemp)"
"$bin/bench_micro" --benchmark_min_time="$([ "$smoke" = 1 ] && echo 0.01 || echo 0.3)" \
  --benchmark_out="$micro_json" --benchmark_out_format=json >/dev/null 2>&1
python3 "$root/bench/micro_summary.py" "$micro_json"
rm -f "$micro_json"

section "load: reference server vs the official TypeScript SDK (mcp-harness load)"
LOAD_SECONDS="${LOAD_SECONDS:-$([ "$smoke" = 1 ] && echo 1 || echo 8)}" "$root/bench/load.sh"

section "HTTP ceiling and cross-check: wrk against cpp-httplib alone, the reference server and the TypeScript SDK"
WRK_SECONDS="${WRK_SECONDS:-$([ "$smoke" = 1 ] && echo 1 || echo 8)}" "$root/bench/wrk.sh"

section "the harness's own speed"
"$root/bench/harness_speed.sh"

section "observability: tool-call latency with the collector up vs hanging"
"$bin/bench_collector_latency" "$([ "$smoke" = 1 ] && echo 20 || echo 300)"

echo
echo "bench/run.sh finished in $(( $(date +%s) - started )) s"
