#!/usr/bin/env bash
# Installs every Debian package srtgw needs to build, run and test.
# Idempotent: only missing packages are installed. Needs root (or sudo).
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config git
  # libraries
  libsrt-openssl-dev libboost-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev libsqlite3-dev libsodium-dev libssl-dev
  # fuzzing (make fuzz; make test runs it briefly): libFuzzer and sanitizer runtimes, symbolizer
  clang libclang-rt-14-dev llvm-14
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  srt-tools ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-bad gstreamer1.0-plugins-base
  procps curl jq sqlite3 wrk prometheus openssl linux-perf
  # web console browser tests (driven by playwright-core; never a downloaded browser)
  chromium
)
# The web console is built with node and npm (web/package-lock.json); Debian's only when the
# machine has no node of its own.
if ! command -v node >/dev/null 2>&1; then
  PKGS+=(nodejs npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
