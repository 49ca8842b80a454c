#!/usr/bin/env bash
# The README's first command: install, build, run the quick suite of tasks.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/saturn run tasks.yaml --suite quick --out runs/quick "$@"
