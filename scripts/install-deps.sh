#!/usr/bin/env bash
# Installs the Debian 12 packages refundsync needs to build, test and run its demo, if any are missing.
# Extra package names on the command line are installed too (e.g. the fuzzing toolchain).
# Non-interactive; needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config make git curl ca-certificates clang-format
  libpistache-dev libhttp-parser-dev libsimdjson-dev libhiredis-dev libcpp-jwt-dev catch2 libssl-dev
  libcli11-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libevent-dev libjemalloc-dev
  libhowardhinnant-date-dev tzdata
  redis-server openssl python3 python3-cryptography python3-yaml python3-graphql-core chromium iso-codes
  buildah podman runc
  "$@"
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm may come from elsewhere than Debian (a newer npm replaces Debian's): only the commands matter.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages present"
  exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: run as root or install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system redis-server; tests and the demo run their own private ones.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  $sudo systemctl stop redis-server || true
fi
echo "deps: done"
