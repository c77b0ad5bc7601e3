#!/usr/bin/env bash
# The main job: builds everything, then runs the harness against the reference
# server over stdio and over Streamable HTTP, and writes the reports.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/ci/install-deps.sh"
"$root/ci/build.sh"
bin="${BUILD_DIR:-$root/build}/bin"
out="$root/demo-reports"
mkdir -p "$out/stdio" "$out/http" "$out/http-oauth"

echo
echo "== stdio: mcp-harness run --stdio -- mcp-reference-server --stdio"
status=0
"$bin/mcp-harness" run \
  --report-json "$out/stdio/report.json" --report-junit "$out/stdio/report.xml" --report-html "$out/stdio/report.html" \
  --lock "$root/reference-server/tools.lock.json" \
  --stdio -- "$bin/mcp-reference-server" --stdio || status=$?

port="${DEMO_PORT:-18765}"
echo
echo "== Streamable HTTP: mcp-harness run --url http://127.0.0.1:$port/mcp --launch ..."
"$bin/mcp-harness" run \
  --report-json "$out/http/report.json" --report-junit "$out/http/report.xml" --report-html "$out/http/report.html" \
  --lock "$root/reference-server/tools.lock.json" \
  --url "http://127.0.0.1:$port/mcp" --launch "$bin/mcp-reference-server --http --port $port" || status=$?

oauth_port=$((port + 1))
echo
echo "== Streamable HTTP behind OAuth: the harness runs the authorization server and forges tokens (--auth oauth)"
"$bin/mcp-harness" run \
  --report-json "$out/http-oauth/report.json" --report-junit "$out/http-oauth/report.xml" --report-html "$out/http-oauth/report.html" \
  --auth oauth \
  --url "http://127.0.0.1:$oauth_port/mcp" --launch "$bin/mcp-reference-server --http --port $oauth_port" || status=$?

echo
echo "Reports: $out/{stdio,http,http-oauth}/report.html (JSON and JUnit beside them)"
exit "$status"
