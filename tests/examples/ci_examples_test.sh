#!/usr/bin/env bash
# Runs what ci/examples/github-actions.yml and gitlab-ci.yml run: each file is read
# as YAML, its gate command (the line calling mcp-gate.sh) is taken verbatim and run
# in a workspace laid out as the examples expect (the harness checked out in
# ./mcp-harness), against a passing server, a server with a MUST defect, and a
# server that cannot start. The job's verdict must follow: exit 0, 1 and 3, with the
# JUnit and HTML reports written in every case. The examples' configure step runs
# too (the build itself is what CI's own build already proves).
# usage: ci_examples_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir="$1"
build="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ln -s "$source_dir" "$work/mcp-harness"
fail() { echo "FAIL: $*"; exit 1; }

for example in github-actions.yml gitlab-ci.yml; do
  file="$source_dir/ci/examples/$example"
  gate=$(/usr/bin/python3 - "$file" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
lines = []
def walk(node):
    if isinstance(node, dict):
        for value in node.values(): walk(value)
    elif isinstance(node, list):
        for value in node: walk(value)
    elif isinstance(node, str):
        lines.extend(l.strip() for l in node.splitlines() if "mcp-gate.sh" in l)
walk(doc)
if len(lines) != 1: sys.exit(f"expected one mcp-gate.sh command, found {len(lines)}")
print(lines[0])
PY
  ) || fail "$example: cannot read its gate command"
  configure=$(grep -o 'cmake -S mcp-harness -B mcp-harness/build[^"]*' "$file" | head -1)
  [ -n "$configure" ] || fail "$example: no configure step"
  echo "$example: gate: $gate"

  run_gate() {  # expected-exit server-command...
    local expected="$1"
    shift
    rm -rf "$work/reports"
    set +e
    (cd "$work" && MCP_HARNESS="$build/bin/mcp-harness" SERVER_COMMAND="$*" bash -c "$gate") >"$work/gate.txt" 2>&1
    local status=$?
    set -e
    [ "$status" = "$expected" ] || { cat "$work/gate.txt"; fail "$example: exit $status for '$*', expected $expected"; }
    [ -s "$work/reports/mcp-harness.html" ] || [ "$expected" = 3 ] || fail "$example: no HTML report"
    [ -s "$work/reports/mcp-harness.junit.xml" ] || [ "$expected" = 3 ] || fail "$example: no JUnit report"
    echo "  exit $status as expected: $(tail -1 "$work/gate.txt")"
  }
  run_gate 0 "$build/bin/mcp-reference-server" --stdio
  /usr/bin/python3 - "$work/reports/mcp-harness.junit.xml" <<'PY' || fail "$example: JUnit report of the passing run"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
failed = [c for c in cases if c.find("failure") is not None]
assert len(cases) >= 90 and not failed, (len(cases), len(failed))
PY
  run_gate 1 "$build/bin/mcp-fixture-server" --defect structured-content-violates-output-schema --stdio
  /usr/bin/python3 - "$work/reports/mcp-harness.junit.xml" <<'PY' || fail "$example: JUnit report of the failing run"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
failed = {c.get("name") for c in root.findall(".//testcase") if c.find("failure") is not None}
assert any(name.startswith("tools.call.output-schema-conformance") for name in failed), failed
PY
  run_gate 3 "$work/no-such-server" --stdio
done

# The examples' configure step, as written (tests off, so only the harness's own deps).
configure=$(grep -o 'cmake -S mcp-harness -B mcp-harness/build[^"]*' "$source_dir/ci/examples/github-actions.yml" | head -1)
(cd "$work" && eval "${configure/mcp-harness\/build/configure-check}") >"$work/configure.txt" 2>&1 || { cat "$work/configure.txt"; fail "the examples' configure step"; }
echo "ok: both CI examples gate as documented (0 pass, 1 MUST failure, 3 no server) and write their reports"
