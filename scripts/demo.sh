#!/usr/bin/env bash
# Installs what is missing, builds qarch and runs `qarch demo` (built-in
# design point and workload).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target qarch
build/apps/qarch/qarch demo "$@"
