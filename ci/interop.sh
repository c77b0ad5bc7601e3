#!/usr/bin/env bash
# Interop: the harness against real third-party MCP servers from npm, as a gate.
#
# The corpus (pinned): published servers of the official collection
# (ci/interop/package.json: server-everything over stdio and Streamable HTTP,
# server-filesystem, server-memory, server-sequential-thinking), and minimal servers
# written as their READMEs show on other SDKs and frameworks (ci/interop/apps/: the
# official SDK's low-level Server over stdio and McpServer over HTTP, fastmcp over stdio
# and HTTP, mcp-framework, tmcp).
#
# Each run's MUST failures are compared with ci/interop/expected/NAME.json (check id,
# the spec's sentence, why it is a real defect): a MUST failure that is not listed, a
# listed one that no longer appears, or any harness error fails this script (exit 1).
# The analysis of every finding is in docs/interop.md. Reports go to interop-reports/.
# Exit status: 0 every run matched its expected findings; 1 a mismatch; 3 a server
# could not be started; 0 with a notice when npm or its registry is unavailable.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
out="$root/interop-reports"
pkg="$root/ci/interop"
apps="$pkg/apps"
expected="$pkg/expected"
for dir in "$pkg" "$apps"/*/; do
  if ! command -v npm >/dev/null || ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
    echo "interop: npm or the npm registry is unavailable (npm ci in $dir failed); skipped"
    exit 0
  fi
done
modules="$pkg/node_modules/.bin"
mkdir -p "$out"
sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT
echo "a file the filesystem server may read" >"$sandbox/hello.txt"
status=0
summary="$sandbox/summary.tsv"

run() {  # name, then mcp-harness target arguments
  local name="$1"
  shift
  echo
  echo "== $name"
  local start=$SECONDS
  rm -f "$out/$name".20*.json "$out/$name".20*.html  # a dual-era server's second reports
  "$bin/mcp-harness" run --quiet --no-color --report-json "$out/$name.json" --report-html "$out/$name.html" "$@"
  local code=$?
  echo "   exit $code in $((SECONDS - start)) s"
  if [ "$code" = 3 ] || [ ! -s "$out/$name.json" ]; then
    status=3
    return
  fi
  if ! python3 "$root/ci/interop_gate.py" "$name" "$out/$name.json" "$expected/$name.json" "$summary"; then
    [ "$status" = 0 ] && status=1
  fi
}

port() { echo $((24000 + RANDOM % 1000)); }

run everything-stdio --stdio -- "$modules/mcp-server-everything" stdio
p=$(port)
run everything-http --url "http://127.0.0.1:$p/mcp" --launch "env PORT=$p $modules/mcp-server-everything streamableHttp"
run filesystem-stdio --stdio -- "$modules/mcp-server-filesystem" "$sandbox"
MEMORY_FILE_PATH="$sandbox/memory.jsonl" run memory-stdio --stdio -- "$modules/mcp-server-memory"
run sequential-thinking-stdio --stdio -- "$modules/mcp-server-sequential-thinking"
run sdk-low-level-stdio --stdio -- node "$apps/sdk/low-level-stdio.js"
p=$(port)
run sdk-mcp-server-http --url "http://127.0.0.1:$p/mcp" --launch "env PORT=$p node $apps/sdk/mcp-server-http.js"
run fastmcp-stdio --stdio -- node "$apps/fastmcp/server.js"
p=$(port)
run fastmcp-http --url "http://127.0.0.1:$p/mcp" --launch "env PORT=$p node $apps/fastmcp/server.js"
run mcp-framework-stdio --stdio -- node "$apps/mcp-framework/server.js"
run tmcp-stdio --stdio -- node "$apps/tmcp/server.js"

echo
echo "server                      passed  MUST SHOULD PROFILE skipped  errors  wall"
[ -s "$summary" ] && column -t -s $'\t' "$summary" 2>/dev/null || cat "$summary" 2>/dev/null
echo
echo "Reports: $out/*.html (JSON beside them)"
[ "$status" = 0 ] && echo "interop: every run matched its expected findings" || echo "interop: FAILED (status $status)"
exit "$status"
