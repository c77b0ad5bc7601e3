#!/usr/bin/env bash
# The harness's own speed, part of bench/run.sh:
#  - fuzz tool calls/s over stdio against the reference server;
#  - runaway driver calls/s (fan-out scenario, limits set never to refuse);
#  - a full default `mcp-harness run` against the reference server (both transports)
#    beside the official conformance suite (npm, pinned in ci/official-suite) on the
#    same server, with how many checks each ran.
# BENCH_SMOKE=1 shortens every run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
smoke="${BENCH_SMOKE:-0}"
work="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
. "$root/bench/common.sh"
server=("$bin/mcp-reference-server" --stdio --config "$root/bench/load-config.json" --log-file /dev/null)

calls=$([ "$smoke" = 1 ] && echo 2000 || echo 30000)
"$bin/mcp-harness" fuzz --quiet --seed 11 --max-calls "$calls" --no-protocol --tool echo_v1 --tool add_v1 --tool 'check_*' \
  --repro-dir "$work" --report-json "$work/fuzz.json" --stdio -- "${server[@]}" || true
fuzz_rate=$(get "$work/fuzz.json" "calls / seconds")
printf "%-58s %10.0f calls/s  (target >= 5000)\n" "fuzz, stdio, the reference server's quick read-only tools" "$fuzz_rate"
"$bin/mcp-harness" fuzz --quiet --seed 11 --max-calls $((calls / 3)) --in-flight 1 --no-protocol --tool echo_v1 --tool add_v1 \
  --tool 'check_*' --repro-dir "$work" --report-json "$work/fuzz-1.json" --stdio -- "${server[@]}" || true
printf "%-58s %10.0f calls/s  (baseline: --in-flight 1, ratio %.2fx)\n" "fuzz, same, one call at a time" \
  "$(get "$work/fuzz-1.json" "calls / seconds")" "$(python3 -c "print($fuzz_rate / $(get "$work/fuzz-1.json" "calls / seconds"))")"

ms=$([ "$smoke" = 1 ] && echo 500 || echo 3000)
runaway_rate() {  # label target-note server command...
  local label="$1" note="$2"
  shift 2
  "$bin/mcp-harness" runaway --quiet --scenario fan-out --fan-out 2 --duration "$ms" --max-calls 10000000 \
    --report-json "$work/runaway.json" --stdio -- "$@" || true
  printf "%-58s %10.0f calls/s%s\n" "$label" \
    "$(get "$work/runaway.json" "sum(s['calls'] for s in scenarios) / sum(s['seconds'] for s in scenarios)")" "$note"
}
runaway_rate "runaway fan-out, 2 agents, stdio, reference server" "" "${server[@]}"
# A server that can take it: the same one without its filter chain.
runaway_rate "runaway fan-out, 2 agents, stdio, reference --no-filters" "  (target >= 20000)" "${server[@]}" --no-filters

# Full runs: the harness over both transports, then the official suite over HTTP.
port=$((21000 + RANDOM % 1000))
"$bin/mcp-reference-server" --http --port "$port" --log-file /dev/null >/dev/null 2>&1 &
server_pid=$!
wait_port "$port"
url="http://127.0.0.1:$port/mcp"
timed() { local start end; start=$(date +%s.%N); "$@" >"$work/out.txt" 2>&1 || true; end=$(date +%s.%N); python3 -c "print(f'{$end - $start:.2f}')"; }
http_s=$(timed "$bin/mcp-harness" run --report-json "$work/run-http.json" --url "$url")
stdio_s=$(timed "$bin/mcp-harness" run --report-json "$work/run-stdio.json" --stdio -- "$bin/mcp-reference-server" --stdio)
checks_run() { get "$1" "len([c for c in checks if c['status'] != 'skip'])"; }
printf "%-58s %8s s  (%s checks run, %s skipped as not applicable)\n" "mcp-harness run, reference server, Streamable HTTP" "$http_s" \
  "$(checks_run "$work/run-http.json")" "$(get "$work/run-http.json" "len([c for c in checks if c['status'] == 'skip'])")"
printf "%-58s %8s s  (%s checks run)\n" "mcp-harness run, reference server, stdio" "$stdio_s" "$(checks_run "$work/run-stdio.json")"

suite="$root/ci/official-suite"
if command -v node >/dev/null && (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  official_s=$(timed node --import "$suite/node20-shim.mjs" "$suite/node_modules/@modelcontextprotocol/conformance/dist/index.js" \
    server --url "$url" -o "$work/official")
  summary=$(grep -E '^Total:' "$work/out.txt" || echo "no summary")
  scenarios=$(grep -cE '^[✓✗] ' "$work/out.txt" || true)
  printf "%-58s %8s s  (%s scenarios; %s)\n" "official conformance suite 0.1.16, same server, HTTP" "$official_s" "$scenarios" "$summary"
  python3 -c "print(f'harness HTTP run / official suite wall time: {$http_s / $official_s:.2f}x (target < 1.0x with >= 4x the checks)')"
else
  echo "official conformance suite: node/npm or the npm registry is unavailable; skipped"
fi
