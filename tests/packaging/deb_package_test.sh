#!/usr/bin/env bash
# Builds the Debian package from a finished build tree, installs it into a staging
# directory (dpkg-deb -x: what `dpkg -i` would place under /), and runs the installed
# harness against the installed reference server.
# usage: deb_package_test.sh BUILD_DIR
set -euo pipefail
build="$1"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
(cd "$build" && cpack -G DEB -B "$stage/out" >"$stage/cpack.log" 2>&1) || { cat "$stage/cpack.log"; exit 1; }
deb=$(ls "$stage"/out/mcp-harness_*.deb)
echo "package: $(basename "$deb")"
dpkg-deb --field "$deb" Package Version Depends
dpkg-deb -x "$deb" "$stage/root"
harness="$stage/root/usr/bin/mcp-harness"
server="$stage/root/usr/bin/mcp-reference-server"
[ -x "$harness" ] && [ -x "$server" ] || { echo "FAIL: programs missing from the package"; exit 1; }
[ -f "$stage/root/usr/share/doc/mcp-harness/docs/checks.md" ] || { echo "FAIL: docs missing from the package"; exit 1; }
dpkg-deb --field "$deb" Depends | grep -q libcpp-httplib || { echo "FAIL: Depends does not name cpp-httplib"; exit 1; }
version=$("$harness" --version)
[ "$version" = "$(dpkg-deb --field "$deb" Version)" ] || { echo "FAIL: --version says '$version'"; exit 1; }
"$harness" run --quiet --no-color --stdio -- "$server" --stdio >"$stage/run.txt" 2>&1 || { cat "$stage/run.txt"; echo "FAIL: installed run"; exit 1; }
grep -q '^PASSED' "$stage/run.txt" || { cat "$stage/run.txt"; echo "FAIL: no PASSED verdict"; exit 1; }
tail -1 "$stage/run.txt"
echo "ok: the installed harness passed the installed reference server"
