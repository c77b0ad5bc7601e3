#!/usr/bin/env bash
# The load comparison of bench/run.sh: the reference server (gateway auth, limits
# and tracing on; limits set high enough never to refuse) against the official
# TypeScript SDK's echo server (bench/baseline, from npm), both driven by
# `mcp-harness load` in the same run. Prints one table; ratio = reference / baseline
# (for latency rows, the baseline's figure over the reference's: higher is better).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
ms=$(( ${LOAD_SECONDS:-10} * 1000 ))
work="$(mktemp -d)"
servers=()
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

if ! command -v node >/dev/null || ! (cd "$root/bench/baseline" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  echo "load: node/npm or the npm registry is unavailable; the TypeScript baseline cannot run, skipping the comparison"
  exit 0
fi

export MCP_GATEWAY_SECRET="bench-$(date +%s)-gateway-secret"
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9"  # tracing on, collector down: export must not slow calls
. "$root/bench/common.sh"

reference_flags=()  # extra flags for the reference server (the idle-sessions run sets some)
start_http() {  # system port [auth mode, default gateway]; sets server_pid
  if [ "$1" = reference ]; then
    MCP_AUTH_MODE="${3:-gateway}" "$bin/mcp-reference-server" --http --port "$2" --log-file /dev/null \
      --config "$root/bench/load-config.json" "${reference_flags[@]}" >/dev/null 2>&1 &
  else
    node "$root/bench/baseline/server.mjs" --http "$2" >/dev/null 2>&1 &
  fi
  server_pid=$!
  servers+=("$server_pid")
  wait_port "$2"
}

declare -A result
row() { printf "%-30s %-20s %10s %9s %9s %8s %8s %8s\n" "$@"; }
row system "transport/load" "req/s" "p50 ms" "p99 ms" "RSS0 MB" "RSS1 MB" "RSS2 MB"
for system in reference baseline; do
  port=$((19000 + RANDOM % 1000))
  start_http "$system" "$port"
  pid=$server_pid
  auth=(); [ "$system" = reference ] && auth=(--auth gateway)
  rss0=$(rss_mb "$pid")
  for run in 1 2; do
    "$bin/mcp-harness" load --quiet "${auth[@]}" --connections 8 --duration "$ms" --report-json "$work/$system-http-$run.json" \
      --url "http://127.0.0.1:$port/mcp" || true
    eval "rss$run=\$(rss_mb $pid)"
  done
  f="$work/$system-http-2.json"
  result[$system-http]=$(get "$f" per_second)
  row "$system" "HTTP, 8 connections" "$(printf %.0f "$(get "$f" per_second)")" "$(printf %.3f "$(get "$f" p50_ms)")" \
    "$(printf %.3f "$(get "$f" p99_ms)")" "$rss0" "$rss1" "$rss2"
  kill "$pid"

  for inflight in 64 1; do
    if [ "$system" = reference ]; then cmd=("$bin/mcp-reference-server" --stdio --config "$root/bench/load-config.json" --log-file /dev/null);
    else cmd=(node "$root/bench/baseline/server.mjs" --stdio); fi
    f="$work/$system-stdio-$inflight.json"
    "$bin/mcp-harness" load --quiet --in-flight "$inflight" --duration "$ms" --report-json "$f" --stdio -- "${cmd[@]}" || true
    result[$system-stdio-$inflight]=$(get "$f" per_second)
    result[$system-stdio-$inflight-p50]=$(get "$f" p50_ms)
    row "$system" "stdio, $inflight in flight" "$(printf %.0f "$(get "$f" per_second)")" "$(printf %.3f "$(get "$f" p50_ms)")" \
      "$(printf %.3f "$(get "$f" p99_ms)")" "-" "-" "-"
  done
done

# The filter chain's cost: the same server with versioning, limits and telemetry off
# (--no-filters) and no auth, over both transports.
port=$((20000 + RANDOM % 1000))
"$bin/mcp-reference-server" --http --port "$port" --log-file /dev/null --config "$root/bench/load-config.json" --no-filters >/dev/null 2>&1 &
servers+=("$!")
wait_port "$port"
f="$work/bare-http.json"
"$bin/mcp-harness" load --quiet --connections 8 --duration "$ms" --report-json "$f" --url "http://127.0.0.1:$port/mcp" || true
result[bare-http]=$(get "$f" per_second)
row "reference, no filters, no auth" "HTTP, 8 connections" "$(printf %.0f "$(get "$f" per_second)")" "$(printf %.3f "$(get "$f" p50_ms)")" \
  "$(printf %.3f "$(get "$f" p99_ms)")" "-" "-" "-"
f="$work/bare-stdio.json"
"$bin/mcp-harness" load --quiet --in-flight 64 --duration "$ms" --report-json "$f" --stdio -- \
  "$bin/mcp-reference-server" --stdio --config "$root/bench/load-config.json" --log-file /dev/null --no-filters || true
result[bare-stdio]=$(get "$f" per_second)
row "reference, no filters" "stdio, 64 in flight" "$(printf %.0f "$(get "$f" per_second)")" "$(printf %.3f "$(get "$f" p50_ms)")" \
  "$(printf %.3f "$(get "$f" p99_ms)")" "-" "-" "-"

# Idle sessions: what 1,000 initialized, then silent, sessions cost each server.
idle=()
# One loopback peer opens them all: the per-client session cap (100) is raised for it.
reference_flags=(--max-sessions-per-principal 2000)
for system in reference baseline; do
  port=$((19000 + RANDOM % 1000))
  start_http "$system" "$port" none
  idle+=("$(python3 "$root/bench/idle_sessions.py" "http://127.0.0.1:$port/mcp" "$server_pid" 1000 || echo '{}')")
  kill "$server_pid"
done

ratio() { python3 -c "print(f'{$1 / $2:.2f}x' if $2 else 'n/a')"; }
overhead() { python3 -c "print(f'{100 * (1 - $1 / $2):.0f}%' if $2 else 'n/a')"; }
echo
echo "reference / baseline: HTTP req/s $(ratio "${result[reference-http]}" "${result[baseline-http]}") (target >= 10x);" \
     "stdio 64 in flight $(ratio "${result[reference-stdio-64]}" "${result[baseline-stdio-64]}") (target >= 5x);" \
     "one-at-a-time round trip $(ratio "${result[baseline-stdio-1-p50]}" "${result[reference-stdio-1-p50]}") faster (target >= 4x)"
echo "filter chain overhead (throughput lost to versioning + limits + telemetry + auth vs none): HTTP $(overhead "${result[reference-http]}" "${result[bare-http]}")," \
     "stdio $(overhead "${result[reference-stdio-64]}" "${result[bare-stdio]}") (target <= 15%)"
python3 - "${idle[@]}" <<'PY'
import json, sys
ref, base = (json.loads(a) for a in sys.argv[1:3])
if not ref or not base:
    print("idle sessions: measurement failed")
else:
    print(f"1,000 idle HTTP sessions: reference {ref['cost_mb']:.1f} MB ({ref['kb_per_session']:.1f} KB each), "
          f"baseline {base['cost_mb']:.1f} MB ({base['kb_per_session']:.1f} KB each); target <= 10 MB")
PY
