#!/usr/bin/env bash
# Configures and builds Saturn (Release) in ./build, or in $SATURN_BUILD_DIR; extra arguments go
# to cmake. Then installs the Python package for Debian's /usr/bin/python3 (scripts/install-python.sh,
# docs/python.md).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SATURN_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" > /dev/null
cmake --build "$build" -j"$(nproc)"
bash scripts/install-python.sh "$build"
