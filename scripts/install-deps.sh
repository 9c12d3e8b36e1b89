#!/usr/bin/env bash
# Installs the Debian 12 packages qarch needs to build, test and benchmark.
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config ccache
  libsystemc-dev          # SystemC 2.3.4 + TLM-2.0: the simulation kernel
  libboost-dev            # Boost 1.74 headers (histograms, small utilities)
  libyaml-cpp-dev         # accelerator configs and YAML traces, with line numbers
  nlohmann-json3-dev      # JSON results and JSON Lines traces
  libcli11-dev            # the qarch command line
  libfmt-dev              # formatting of tables and messages
  catch2                  # Catch2 v2 unit and integration tests
  libbenchmark-dev        # Google Benchmark speed suite
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
