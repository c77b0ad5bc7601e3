#!/usr/bin/env bash
# The HTML report in a real browser: runs the harness against a fixture server with
# a known defect, renders the report in headless Chromium (Debian's), and asserts
# that the verdict, the failing checks and their evidence are visibly on the page.
# With SCREENSHOT=path it also saves a screenshot of the report (docs/images/).
# usage: html_report_test.sh BUILD_DIR
set -euo pipefail
bin="$1/bin"
here="$(cd "$(dirname "$0")" && pwd)"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "FAIL: chromium is not installed (ci/install-deps.sh installs it)"; exit 1; }
work="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

set +e
"$bin/mcp-harness" run --quiet --no-color --report-html "$work/report.html" --protocol-version 2025-11-25 \
  --stdio -- "$bin/mcp-fixture-server" --defect init-missing-server-info --stdio >"$work/run.txt" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$work/run.txt"; echo "FAIL: expected exit 1 from a failing run, got $status"; exit 1; }
cp "$here/probe.html" "$work/"

port=$((23000 + RANDOM % 1000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

chrome=("$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
        --disable-component-update --disable-sync --user-data-dir="$work/profile" --window-size=1280,900)
expect=(FAIL "CI verdict" "lifecycle.initialize.result-shape" "schema.server-messages" MUST
        'missing required property "serverInfo"' "a valid InitializeResult" '"method":"initialize"')
query=$(python3 -c 'import sys, urllib.parse; print("&".join("expect=" + urllib.parse.quote(a) for a in sys.argv[1:]))' "${expect[@]}")
"${chrome[@]}" --virtual-time-budget=5000 --dump-dom "http://127.0.0.1:$port/probe.html?$query" >"$work/dom.html" 2>"$work/chrome.log" || true
result=$(python3 -c 'import html, re, sys; m = re.search(r"<pre id=\"result\">(.*?)</pre>", open(sys.argv[1]).read(), re.S); print(html.unescape(m.group(1)) if m else "no result")' "$work/dom.html")
echo "$result"
if [ -n "${SCREENSHOT:-}" ]; then
  "${chrome[@]}" --screenshot="$SCREENSHOT" "http://127.0.0.1:$port/report.html" 2>>"$work/chrome.log" || true
  [ -s "$SCREENSHOT" ] && echo "screenshot: $SCREENSHOT"
fi
[[ "$result" == "RESULT: ok"* ]] || { tail -5 "$work/chrome.log"; echo "FAIL: the report does not show the failure visibly"; exit 1; }
echo "ok: the failing run's report shows its verdict, failures and evidence in Chromium"
