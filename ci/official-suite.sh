#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance,
# pinned in ci/official-suite/package.json) in server mode against the reference
# server with its conformance fixtures (--conformance), over Streamable HTTP.
# Every active server scenario must pass: the official suite is our floor.
#
#   ci/official-suite.sh [BUILD_DIR]      exit 0: all passed; 1: a scenario failed;
#                                         0 with a notice when node or the npm registry is missing
# Results (checks.json per scenario) go to $OFFICIAL_SUITE_OUT (default build/official-suite).
# Node 20's fs lacks globSync, which the 0.1.x bundle imports at start-up;
# ci/official-suite/node20-shim.mjs supplies it (see fs-globsync.mjs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${1:-${BUILD_DIR:-$root/build}}"
suite="$root/ci/official-suite"
out="${OFFICIAL_SUITE_OUT:-$build_dir/official-suite}"
server="$build_dir/bin/mcp-reference-server"
[ -x "$server" ] || { echo "official-suite: build first ($server is missing)" >&2; exit 2; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "official-suite: node/npm not installed; skipped (ci/install-deps.sh installs them)"
  exit 0
fi
if ! (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  echo "official-suite: could not install the suite from the npm registry; skipped"
  exit 0
fi

rm -rf "$out" && mkdir -p "$out"
port_file="$out/port"
"$server" --http --port 0 --port-file "$port_file" --conformance --log-file "$out/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
[ -s "$port_file" ] || { echo "official-suite: the reference server did not start" >&2; exit 1; }
url="http://127.0.0.1:$(cat "$port_file")/mcp"

version=$(node -p "require('$suite/node_modules/@modelcontextprotocol/conformance/package.json').version")
echo "official conformance suite $version (active server scenarios) against $url"
status=0
timeout 600 node --import "$suite/node20-shim.mjs" "$suite/node_modules/@modelcontextprotocol/conformance/dist/index.js" \
  server --url "$url" -o "$out/results" > "$out/suite.txt" 2>&1 || status=$?
sed -n '/=== SUMMARY ===/,$p' "$out/suite.txt"
total=$(grep -E '^Total:' "$out/suite.txt" || true)
if [ "$status" -ne 0 ] || [ -z "$total" ] || ! grep -qE '^Total: [0-9]+ passed, 0 failed' <<<"$total"; then
  echo "official-suite: FAILED (exit $status); full output in $out/suite.txt, details in $out/results" >&2
  grep -E '^✗' "$out/suite.txt" >&2 || true
  exit 1
fi
echo "official-suite: every active server scenario passed"
