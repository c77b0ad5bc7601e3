#!/usr/bin/env bash
# The README's examples, run as written: every fenced block after a line
#   <!-- example: exit CODES [needs-npm] -->
# runs in bash from a workspace laid out like the repository root (with build/ the
# tree under test) and must end with one of CODES. needs-npm blocks are skipped,
# with a notice, only when the npm registry cannot be reached.
# usage: readme_examples_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir="$1"
build="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../support/workspace.sh"
mirror_checkout "$source_dir" "$build" "$work"
npm_reachable=0
if command -v npm >/dev/null && timeout 20 npm view @modelcontextprotocol/server-everything version >/dev/null 2>&1; then npm_reachable=1; fi

NPM_REACHABLE="$npm_reachable" /usr/bin/python3 - "$source_dir/README.md" "$work" <<'PY'
import os, re, subprocess, sys
readme, work = open(sys.argv[1]).read(), sys.argv[2]
examples = re.findall(r"<!-- example: exit ([0-9,]+)((?: [a-z-]+)*) -->\s*\n```sh\n(.*?)```", readme, re.S)
if len(examples) < 3:
    sys.exit(f"README.md: {len(examples)} annotated examples; expected at least 3")
for codes, flags, body in examples:
    allowed = {int(c) for c in codes.split(",")}
    first = body.strip().splitlines()[-1].strip()
    if "needs-npm" in flags and os.environ["NPM_REACHABLE"] != "1":
        print(f"SKIP (npm registry unreachable): {first}")
        continue
    done = subprocess.run(["bash", "-uo", "pipefail", "-c", body], cwd=work, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)
    print(f"exit {done.returncode} (allowed {sorted(allowed)}): {first}")
    print("   " + "\n   ".join(done.stdout.strip().splitlines()[-2:]))
    if done.returncode not in allowed:
        print(done.stdout[-3000:])
        sys.exit("a README example did not end as documented")
PY
for report in everything.html reports/mcp-harness.html runaway.html; do
  [ -s "$work/$report" ] && echo "wrote $report"
done
[ -s "$work/reports/mcp-harness.junit.xml" ] || { echo "FAIL: the CI gate example wrote no JUnit report"; exit 1; }
[ -s "$work/runaway.html" ] || { echo "FAIL: the runaway example wrote no HTML report"; exit 1; }
echo "ok: the README's examples run as written"
