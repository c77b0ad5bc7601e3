#!/usr/bin/env bash
# The cross-check of bench/load.sh with an independent driver, and the ceiling: wrk
# (Debian package) posts one tools/call again and again over 8 keep-alive connections
# to the reference server (full chain: gateway auth, versioning, limits, telemetry),
# to the same server with --no-filters and no auth, to the official TypeScript SDK
# (one session) and to cpp-httplib alone answering a fixed body (bench_bare_http).
# Prints one table and the ratios the performance issue judges.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
seconds="${WRK_SECONDS:-8}"
work="$(mktemp -d)"
servers=()
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
. "$root/bench/common.sh"
if ! command -v wrk >/dev/null; then
  echo "wrk: not installed (ci/install-deps.sh installs it); skipping the cross-check"
  exit 0
fi
export MCP_GATEWAY_SECRET="bench-$(date +%s)-gateway-secret"
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9"  # tracing on, collector down, as in load.sh

call_body() {  # protocol version; a tools/call of echo_v1 as each era sends it
  if [ "$1" = 2026-07-28 ]; then
    echo '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo_v1","arguments":{"message":"hello"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"}}}}'
  else
    echo '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo_v1","arguments":{"message":"hello"}}}'
  fi
}
gateway_headers() {
  local ts sig
  ts=$(date +%s)
  sig=$(python3 -c 'import base64, hashlib, hmac, os, sys
text = f"v1\nbench\n\n{sys.argv[1]}".encode()
print(base64.urlsafe_b64encode(hmac.new(os.environ["MCP_GATEWAY_SECRET"].encode(), text, hashlib.sha256).digest()).rstrip(b"=").decode())' "$ts")
  printf 'X-Gateway-Principal: bench\nX-Gateway-Scopes: \nX-Gateway-Timestamp: %s\nX-Gateway-Signature: %s\n' "$ts" "$sig"
}
common_headers='Content-Type: application/json
Accept: application/json, text/event-stream'

declare -A rps p50 p99
row() { printf "%-44s %10s %9s %9s %s\n" "$@"; }
measure() {  # name url headers body
  local out="$work/$1.txt"
  WRK_HEADERS="$3" WRK_BODY="$4" wrk -t2 -c8 -d"${seconds}s" --latency -s "$root/bench/wrk_post.lua" "$2" >"$out" 2>&1 || true
  python3 - "$out" >"$work/$1.parsed" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(pct):
    m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m: return "nan"
    return str(float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)])
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(rps.group(1) if rps else "0", ms(50), ms(99), (bad.group(1) if bad else "0"), (errors.group(0) if errors else ""))
PY
  read -r r a b bad errors <"$work/$1.parsed" || true
  rps[$1]=$r p50[$1]=$a p99[$1]=$b
  local note=""
  [ "${bad:-0}" != 0 ] && note="($bad non-2xx replies: figure not valid)"
  [ -n "${errors:-}" ] && note="$note $errors"
  row "$5" "$(printf %.0f "$r")" "$(printf %.3f "$a")" "$(printf %.3f "$b")" "$note"
}

row "system (wrk, 8 connections, ${seconds} s)" "req/s" "p50 ms" "p99 ms" ""
port=$((22000 + RANDOM % 1000))
"$bin/bench_bare_http" "$port" >/dev/null 2>&1 &
servers+=("$!")
wait_port "$port"
measure bare "http://127.0.0.1:$port/mcp" "$common_headers" "$(call_body 2026-07-28)" "cpp-httplib alone, fixed body (ceiling)"

port=$((22000 + RANDOM % 1000))
MCP_AUTH_MODE=gateway "$bin/mcp-reference-server" --http --port "$port" --log-file /dev/null \
  --config "$root/bench/load-config.json" >/dev/null 2>&1 &
servers+=("$!")
wait_port "$port"
headers="$common_headers
MCP-Protocol-Version: 2026-07-28
Mcp-Method: tools/call
Mcp-Name: echo_v1
$(gateway_headers)"
measure full "http://127.0.0.1:$port/mcp" "$headers" "$(call_body 2026-07-28)" "reference, full chain + gateway auth"

port=$((22000 + RANDOM % 1000))
"$bin/mcp-reference-server" --http --port "$port" --log-file /dev/null --config "$root/bench/load-config.json" \
  --no-filters >/dev/null 2>&1 &
servers+=("$!")
wait_port "$port"
measure nofilters "http://127.0.0.1:$port/mcp" "$common_headers
MCP-Protocol-Version: 2026-07-28
Mcp-Method: tools/call
Mcp-Name: echo_v1" "$(call_body 2026-07-28)" "reference, --no-filters, no auth"

if command -v node >/dev/null && (cd "$root/bench/baseline" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  port=$((22000 + RANDOM % 1000))
  node "$root/bench/baseline/server.mjs" --http "$port" >/dev/null 2>&1 &
  servers+=("$!")
  wait_port "$port"
  url="http://127.0.0.1:$port/mcp"
  session=$(curl -s -D - -o /dev/null "$url" -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
    | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}' | tr -d '\r')
  curl -s -o /dev/null "$url" -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \
    -H "Mcp-Session-Id: $session" -H "MCP-Protocol-Version: 2025-11-25" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  measure sdk "$url" "$common_headers
Mcp-Session-Id: $session
MCP-Protocol-Version: 2025-11-25" "$(call_body 2025-11-25)" "TypeScript SDK 1.32.2, one session"
else
  echo "node/npm or the npm registry is unavailable: no TypeScript SDK row"
fi

ratio() { python3 -c "print(f'{$1 / $2:.2f}x' if float($2) else 'n/a')"; }
percent() { python3 -c "print(f'{100 * $1 / $2:.0f}%' if float($2) else 'n/a')"; }
echo
echo "wrk: full chain at $(percent "${rps[full]}" "${rps[bare]}") of cpp-httplib's ceiling (target >= 70%);" \
     "--no-filters at $(percent "${rps[nofilters]}" "${rps[bare]}");" \
     "full chain $(ratio "${rps[full]}" "${rps[sdk]:-0}") the TypeScript SDK (target >= 12x);" \
     "filter chain + auth overhead $(python3 -c "print(f'{100 * (1 - ${rps[full]} / ${rps[nofilters]}):.0f}%' if float(${rps[nofilters]}) else 'n/a')") (target <= 15%)"
