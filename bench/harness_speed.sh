#!/usr/bin/env bash
# The harness's own speed, part of bench/run.sh:
#  - fuzz tool calls/s over stdio against the reference server;
#  - runaway driver calls/s (fan-out scenario, limits set never to refuse);
#  - a full default `mcp-harness run` against the reference server (both transports)
#    beside the official conformance suite (npm, pinned in ci/official-suite) on the
#    same server, with how many checks each ran;
#  - the same against Node.js servers we did not write (ci/interop): the official SDK's
#    McpServer over HTTP (beside the official suite) and server-everything over stdio,
#    and (full runs) that stdio run again with --jobs 1, whose verdicts must be identical.
# BENCH_SMOKE=1 shortens every run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
smoke="${BENCH_SMOKE:-0}"
work="$(mktemp -d)"
server_pid=""
suite_server_pid=""
node_pid=""
trap 'for pid in $server_pid $node_pid $suite_server_pid; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT
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
# The reference serves both eras, so a default run tests each: the counts are the first era's.
printf "%-58s %8s s  (both eras; %s checks run, %s skipped as not applicable, in 2026-07-28)\n" \
  "mcp-harness run, reference server, Streamable HTTP" "$http_s" \
  "$(checks_run "$work/run-http.json")" "$(get "$work/run-http.json" "len([c for c in checks if c['status'] == 'skip'])")"
printf "%-58s %8s s  (both eras; %s checks run in 2026-07-28)\n" "mcp-harness run, reference server, stdio" "$stdio_s" \
  "$(checks_run "$work/run-stdio.json")"

suite="$root/ci/official-suite"
if command -v node >/dev/null && (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  # The suite's scenarios call its own fixture tools: the same server with --conformance.
  suite_port=$((23000 + RANDOM % 1000))
  "$bin/mcp-reference-server" --http --conformance --port "$suite_port" --log-file /dev/null >/dev/null 2>&1 &
  suite_server_pid=$!
  wait_port "$suite_port"
  official_s=$(timed node --import "$suite/node20-shim.mjs" "$suite/node_modules/@modelcontextprotocol/conformance/dist/index.js" \
    server --url "http://127.0.0.1:$suite_port/mcp" -o "$work/official")
  kill "$suite_server_pid" 2>/dev/null || true
  summary=$(grep -E '^Total:' "$work/out.txt" || echo "no summary")
  scenarios=$(grep -cE '^[✓✗] ' "$work/out.txt" || true)
  printf "%-58s %8s s  (%s scenarios; %s)\n" "official conformance suite 0.1.16, reference --conformance" "$official_s" "$scenarios" "$summary"
  python3 -c "print(f'harness HTTP run / official suite wall time: {$http_s / $official_s:.2f}x (target < 1.0x with >= 4x the checks)')"
  # A server we did not write, as users bring them: Node.js servers from the interop corpus.
  apps="$root/ci/interop/apps"
  if (cd "$root/ci/interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) &&
     (cd "$apps/sdk" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
    node_port=$((22000 + RANDOM % 1000))
    PORT=$node_port node "$apps/sdk/mcp-server-http.js" >/dev/null 2>&1 &
    node_pid=$!
    wait_port "$node_port"
    node_url="http://127.0.0.1:$node_port/mcp"
    node_http_s=$(timed "$bin/mcp-harness" run --report-json "$work/node-http.json" --url "$node_url")
    node_official_s=$(timed node --import "$suite/node20-shim.mjs" "$suite/node_modules/@modelcontextprotocol/conformance/dist/index.js" \
      server --url "$node_url" -o "$work/official-node")
    kill "$node_pid" 2>/dev/null || true
    everything="$root/ci/interop/node_modules/.bin/mcp-server-everything"
    node_stdio_s=$(timed "$bin/mcp-harness" run --report-json "$work/node-stdio.json" --stdio -- "$everything" stdio)
    printf "%-58s %8s s  (%s checks run; target <= 10 s)\n" "mcp-harness run, official SDK McpServer (Node), HTTP" "$node_http_s" \
      "$(checks_run "$work/node-http.json")"
    printf "%-58s %8s s  (same server)\n" "official conformance suite 0.1.16, SDK McpServer, HTTP" "$node_official_s"
    printf "%-58s %8s s  (%s checks run; target <= 15 s)\n" "mcp-harness run, server-everything (Node), stdio" "$node_stdio_s" \
      "$(checks_run "$work/node-stdio.json")"
    if [ "$smoke" != 1 ]; then
      # Concurrency must not change verdicts: the same run one check at a time.
      serial_s=$(timed "$bin/mcp-harness" run --jobs 1 --report-json "$work/node-stdio-1.json" --stdio -- "$everything" stdio)
      same=$(python3 -c "
import json
a, b = (json.load(open(f'$work/node-stdio{s}.json')) for s in ('', '-1'))
print('identical' if [(c['id'], c['status']) for c in a['checks']] == [(c['id'], c['status']) for c in b['checks']] else 'DIFFERENT')")
      printf "%-58s %8s s  (baseline: --jobs 1, ratio %.2fx; verdicts %s)\n" "mcp-harness run --jobs 1, server-everything, stdio" \
        "$serial_s" "$(python3 -c "print($serial_s / $node_stdio_s)")" "$same"
    fi
  else
    echo "interop corpus: the npm registry is unavailable; Node.js server runs skipped"
  fi
else
  echo "official conformance suite: node/npm or the npm registry is unavailable; skipped"
fi
