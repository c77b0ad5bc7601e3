#!/usr/bin/env bash
# The CI gate the examples in this folder run: mcp-harness against one server,
# reports written to OUT_DIR (JUnit for the CI's test view, HTML for people, JSON
# for tools), and the harness's exit code as the job's verdict:
#   0 every MUST check passed, 1 a MUST check failed, 2 usage error,
#   3 the server could not be started or reached, 4 the harness failed on a check
#   (no MUST failure; the run proves nothing about that check).
# usage: mcp-gate.sh OUT_DIR TARGET...   (TARGET as for `mcp-harness run`, e.g.
#        --stdio -- ./my-server --stdio, or --url URL --launch "CMD")
# MCP_HARNESS names the harness binary (default: mcp-harness on PATH).
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: mcp-gate.sh OUT_DIR TARGET..." >&2; exit 2; }
out="$1"
shift
mkdir -p "$out"
"${MCP_HARNESS:-mcp-harness}" run --no-color \
  --report-junit "$out/mcp-harness.junit.xml" \
  --report-html "$out/mcp-harness.html" \
  --report-json "$out/mcp-harness.json" \
  "$@"
status=$?
case $status in
  0) echo "mcp-gate: passed" ;;
  1) echo "mcp-gate: a MUST check failed; see $out/mcp-harness.html" ;;
  3) echo "mcp-gate: the server could not be started or reached" ;;
  4) echo "mcp-gate: the harness failed on a check (not the server's failure); see $out/mcp-harness.html" ;;
  *) echo "mcp-gate: mcp-harness exited with $status" ;;
esac
exit $status
