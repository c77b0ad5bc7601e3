#!/usr/bin/env bash
# docs/template.md as a test: every annotated block is carried out in order in a
# scratch workspace holding this repository as ./mcp-harness:
#   <!-- file: PATH -->              the next fenced block is written to PATH
#   <!-- insert-after: PATH | TEXT --> the next fenced block goes after the first
#                                      line of PATH containing TEXT (which must exist)
#   <!-- run -->                     the next fenced block runs in bash; it must exit 0
# A copied server with one added tool and one filter is thus built and passes the
# harness, exactly as the document tells a reader to do it.
# usage: template_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
# An unoptimised build without debug info (a build type with no flags of its own)
# halves the time this test spends compiling the libraries; readers get the default.
export CMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Scratch}"
source_dir="$1"
build="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The walk-through expects the harness built in mcp-harness/build: use the tree under test.
. "$(dirname "$0")/../support/workspace.sh"
mirror_checkout "$source_dir" "$build" "$work/mcp-harness"

/usr/bin/python3 - "$source_dir/docs/template.md" "$work" <<'PY'
import pathlib, re, subprocess, sys
doc, work = pathlib.Path(sys.argv[1]).read_text(), pathlib.Path(sys.argv[2])
steps = re.findall(r"<!-- (file|insert-after|run)(?::\s*(.*?))? -->\s*\n```[a-z]*\n(.*?)```", doc, re.S)
if len([s for s in steps if s[0] == "run"]) < 4:
    sys.exit("docs/template.md: fewer annotated steps than expected; was the document reshaped?")
for kind, argument, body in steps:
    if kind == "file":
        path = work / argument.strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
        print(f"wrote {argument.strip()}", flush=True)
    elif kind == "insert-after":
        target, marker = (part.strip() for part in argument.split("|", 1))
        path = work / target
        lines = path.read_text().splitlines(keepends=True)
        at = next((i for i, line in enumerate(lines) if marker in line), None)
        if at is None:
            sys.exit(f"{target}: no line contains {marker!r} (did reference-server/main.cpp change?)")
        lines[at + 1:at + 1] = [body]
        path.write_text("".join(lines))
        print(f"edited {target} after {marker!r}", flush=True)
    else:
        print(f"$ {body.strip()}", flush=True)
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=work, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        tail = "\n".join(done.stdout.splitlines()[-4:])
        print(tail, flush=True)
        if done.returncode != 0:
            # Every failure line (a run in two eras prints the first era's far above the tail), then the tail.
            print("\n".join(line for line in done.stdout.splitlines() if " FAIL " in line or "ERROR" in line))
            print(done.stdout[-4000:])
            sys.exit(f"step failed with exit {done.returncode}")
PY
grep -q convert_temperature_v1 "$work/my-server/my_tools.cpp"
echo "ok: docs/template.md builds a server with an added tool and filter, and it passes the harness"
