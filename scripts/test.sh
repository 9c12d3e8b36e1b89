#!/usr/bin/env bash
# Installs what is missing, builds qarch and its tests, and runs the whole
# test suite, slow tests included (`ctest --test-dir build -LE slow` skips them
# for a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$(nproc)"
