#!/usr/bin/env bash
# Runs the benchmarks and prints their figures. BENCH_SMOKE=1 shortens every run
# (CI uses it to prove the benchmarks run; targets are judged on full runs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/ci/install-deps.sh"
"$root/ci/build.sh" >/dev/null
bin="${BUILD_DIR:-$root/build}/bin"
calls=300
[ "${BENCH_SMOKE:-0}" = 1 ] && calls=20
echo "== observability: tool-call latency with the collector up vs hanging"
"$bin/bench_collector_latency" "$calls"

echo
echo "== load: reference server vs the official TypeScript SDK (mcp-harness load)"
LOAD_SECONDS="${LOAD_SECONDS:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 1 || echo 10)}" "$root/bench/load.sh"
