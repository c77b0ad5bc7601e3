#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance, both
# pinned in ci/official-suite/package.json) in server mode against the reference server
# with its conformance fixtures (--conformance), over Streamable HTTP, three times:
#   1. 0.1.x (npm's `latest` tag): every active server scenario;
#   2. 0.2.x --requirements 2025-11-25: the frozen requirement set of that revision;
#   3. 0.2.x --requirements 2026-07-28: the same for the per-request revision.
# Every scenario must pass: the official suite is our floor. That includes what the sets
# run without scoring (the tasks extension, pending scenarios): the reference server
# implements them, and a regression there is as real as one in a scored scenario.
#
#   ci/official-suite.sh [BUILD_DIR]      exit 0: all passed; 1: a scenario failed;
#                                         0 with a notice when node or the npm registry is missing
# Results (checks.json per scenario) go to $OFFICIAL_SUITE_OUT (default build/official-suite).
# Node 20's fs lacks globSync, which the suite's bundle imports at start-up;
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
server_pid=""
stop_server() { [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }; server_pid=""; }
trap stop_server EXIT

# run_pass NAME PACKAGE_DIR SERVER_FLAGS SUITE_ARGS...: one server, one suite run.
failed=0
run_pass() {
  local name="$1" package="$suite/node_modules/$2" flags="$3"
  shift 3
  local dir="$out/$name"
  mkdir -p "$dir"
  # shellcheck disable=SC2086  # flags are words
  "$server" --http --port 0 --port-file "$dir/port" --conformance $flags --log-file "$dir/server.log" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
  [ -s "$dir/port" ] || { echo "official-suite: the reference server did not start ($name)" >&2; exit 1; }
  local url="http://127.0.0.1:$(cat "$dir/port")/mcp"
  local version
  version=$(node -p "require('$package/package.json').version")
  echo "== official conformance suite $version, $name, against $url"
  local status=0
  timeout 600 node --import "$suite/node20-shim.mjs" "$package/dist/index.js" server --url "$url" "$@" \
    -o "$dir/results" > "$dir/suite.txt" 2>&1 || status=$?
  stop_server
  sed -n '/=== SUMMARY ===/,$p' "$dir/suite.txt" | grep -vE '^(✓ |=== SUMMARY ===|$)' || true
  local total
  total=$(grep -E '^Total:' "$dir/suite.txt" || true)
  if [ "$status" -ne 0 ] || [ -z "$total" ] || ! grep -qE '^Total: [0-9]+ passed' <<<"$total"; then
    echo "official-suite: $name FAILED (exit $status); full output in $dir/suite.txt, details in $dir/results" >&2
    # Scored failures only: the not-scored list (indented) is reported above.
    sed -n '/=== SUMMARY ===/,/^Total:/p' "$dir/suite.txt" | grep -E '^✗' >&2 || true
    failed=1
  fi
  # Not scored by the set (indented), held all the same.
  if grep -qE '^ +✗' "$dir/suite.txt"; then
    echo "official-suite: $name: a scenario the set does not score failed:" >&2
    grep -E '^ +✗' "$dir/suite.txt" >&2
    failed=1
  fi
}

# 0.1.x with the default page size of 3, so its scenarios meet pagination. 0.2.x
# scenarios read only the first page of tools/list (json-schema-2020-12, the stateless
# and custom-header scenarios look for their fixture there), hence one page for them.
run_pass "0.1-active" "@modelcontextprotocol/conformance" ""
run_pass "0.2-requirements-2025-11-25" "conformance-0.2" "--page-size 1000" --requirements 2025-11-25
run_pass "0.2-requirements-2026-07-28" "conformance-0.2" "--page-size 1000" --requirements 2026-07-28
if [ "$failed" -ne 0 ]; then
  echo "official-suite: FAILED" >&2
  exit 1
fi
echo "official-suite: every scenario passed (0.1 active; 0.2 requirement sets 2025-11-25 and 2026-07-28 with their extension and pending scenarios)"
