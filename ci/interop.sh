#!/usr/bin/env bash
# Interop: the harness against real third-party servers from npm (pinned in
# ci/interop/package.json): @modelcontextprotocol/server-everything over stdio and
# Streamable HTTP, server-filesystem and server-memory over stdio. Prints each run's
# summary and its failed checks, and writes reports to interop-reports/. Results and
# the analysis of every failure are in docs/interop.md.
# Exit status: 0 when every run completed (failures of those servers are findings,
# not errors of this script), 3 when a server could not be started; skips with 0
# when npm or its registry is unavailable.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BUILD_DIR:-$root/build}/bin"
out="$root/interop-reports"
pkg="$root/ci/interop"
if ! command -v npm >/dev/null || ! (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  echo "interop: npm or the npm registry is unavailable; skipped"
  exit 0
fi
modules="$pkg/node_modules/.bin"
mkdir -p "$out"
sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT
echo "a file the filesystem server may read" >"$sandbox/hello.txt"
status=0

run() {  # name, then mcp-harness target arguments
  local name="$1"
  shift
  echo
  echo "== $name"
  "$bin/mcp-harness" run --quiet --no-color --report-json "$out/$name.json" --report-html "$out/$name.html" "$@"
  local code=$?
  [ "$code" = 3 ] && status=3
  [ -s "$out/$name.json" ] && python3 - "$out/$name.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for check in report["checks"]:
    if check["status"] == "fail":
        print(f"  {check['level']:<7} {check['id']}: {check['message'][:160]}")
PY
}

run everything-stdio --stdio -- "$modules/mcp-server-everything" stdio
port=$((24000 + RANDOM % 1000))
run everything-http --url "http://127.0.0.1:$port/mcp" --launch "env PORT=$port $modules/mcp-server-everything streamableHttp"
run filesystem-stdio --stdio -- "$modules/mcp-server-filesystem" "$sandbox"
MEMORY_FILE_PATH="$sandbox/memory.jsonl" run memory-stdio --stdio -- "$modules/mcp-server-memory"
echo
echo "Reports: $out/*.html (JSON beside them)"
exit "$status"
