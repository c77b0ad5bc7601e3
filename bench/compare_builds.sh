#!/usr/bin/env bash
# Before/after figures for a change to the reference server: the same load (gateway
# auth, limits and tracing on, as bench/load.sh) against the server of two builds,
# alternating between them so that both meet the same machine state, driven by one
# harness. Usage: bench/compare_builds.sh BEFORE_BIN_DIR AFTER_BIN_DIR [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
before="$1" after="$2" rounds="${3:-3}"
harness="$after/mcp-harness"
ms=$(( ${LOAD_SECONDS:-5} * 1000 ))
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
export MCP_GATEWAY_SECRET="bench-$(date +%s)-gateway-secret"
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9"
. "$root/bench/common.sh"

declare -A sum
for round in $(seq "$rounds"); do
  for build in before after; do
    dir="${!build}"
    port=$((21000 + RANDOM % 1000))
    MCP_AUTH_MODE=gateway "$dir/mcp-reference-server" --http --port "$port" --log-file /dev/null \
      --config "$root/bench/load-config.json" >/dev/null 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_port "$port"
    "$harness" load --quiet --auth gateway --connections 8 --duration "$ms" --report-json "$work/http.json" \
      --url "http://127.0.0.1:$port/mcp" || true
    kill "$pid"
    "$harness" load --quiet --in-flight 64 --duration "$ms" --report-json "$work/stdio.json" --stdio -- \
      "$dir/mcp-reference-server" --stdio --config "$root/bench/load-config.json" --log-file /dev/null || true
    http=$(get "$work/http.json" per_second) stdio=$(get "$work/stdio.json" per_second)
    printf "round %d %-6s HTTP %8.0f req/s (p50 %.3f ms)   stdio 64 in flight %8.0f req/s\n" "$round" "$build" \
      "$http" "$(get "$work/http.json" p50_ms)" "$stdio"
    sum[$build-http]=$(python3 -c "print(${sum[$build-http]:-0} + $http)")
    sum[$build-stdio]=$(python3 -c "print(${sum[$build-stdio]:-0} + $stdio)")
  done
done
python3 - "${sum[before-http]}" "${sum[after-http]}" "${sum[before-stdio]}" "${sum[after-stdio]}" "$rounds" <<'PY'
import sys
bh, ah, bs, as_, n = (float(x) for x in sys.argv[1:6])
print(f"mean of {int(n)} rounds: HTTP before {bh/n:.0f}, after {ah/n:.0f} req/s ({ah/bh:.2f}x); "
      f"stdio before {bs/n:.0f}, after {as_/n:.0f} req/s ({as_/bs:.2f}x)")
PY
