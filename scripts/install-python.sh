#!/usr/bin/env bash
# Makes the saturn Python package of a build folder importable by Debian's /usr/bin/python3 without
# pip (docs/python.md): as root, a saturn.pth file in its first site-packages folder
# (/usr/local/lib/python3.X/dist-packages) naming python/ (the package) and <build>/python (the C++
# extension), checked by importing saturn in a clean environment; otherwise it prints the
# PYTHONPATH to set. Usage: scripts/install-python.sh [BUILD_DIR] (default build). Called by build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
python=${SATURN_PYTHON:-/usr/bin/python3}
if ! ls "$build"/python/_saturn*.so > /dev/null 2>&1; then
  echo "note: the saturn Python package was not built in $build (-DSATURN_BUILD_PYTHON=OFF, or pybind11 missing: scripts/install-deps.sh installs it)"
  exit 0
fi
build_abs=$(cd "$build" && pwd)
site=$("$python" -c 'import site; print(site.getsitepackages()[0])')
if [ -w "$site" ] || { [ ! -e "$site" ] && [ "$(id -u)" = 0 ]; }; then
  mkdir -p "$site"
  printf '%s\n%s\n' "$root/python" "$build_abs/python" > "$site/saturn.pth.tmp"
  mv "$site/saturn.pth.tmp" "$site/saturn.pth"
  if ! (cd / && env -u PYTHONPATH "$python" -c 'import saturn' > /dev/null); then
    echo "error: wrote $site/saturn.pth, but '$python -c \"import saturn\"' fails (above)" >&2
    exit 1
  fi
  echo "saturn Python package installed for $python: $site/saturn.pth -> python/, $build/python/"
else
  echo "note: $site is not writable (not root); to import saturn, run:"
  echo "  export PYTHONPATH=$root/python:$build_abs/python\${PYTHONPATH:+:\$PYTHONPATH}"
fi
