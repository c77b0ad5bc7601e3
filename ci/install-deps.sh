#!/usr/bin/env bash
# Installs the build and test dependencies from Debian packages. Idempotent and
# quiet when everything is already there. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcpp-httplib-dev nlohmann-json3-dev librapidcheck-dev
  libboost1.81-dev libboost-filesystem1.81-dev libspdlog-dev libssl-dev libsqlite3-dev
  libcli11-dev libhiredis-dev redis-server libgtest-dev libgmock-dev libbenchmark-dev
  procps clang libclang-rt-14-dev chromium python3-yaml wrk curl
  libpq-dev postgresql haproxy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
