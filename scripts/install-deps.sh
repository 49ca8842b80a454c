#!/usr/bin/env bash
# Installs Saturn's build and test dependencies from Debian 12 packages (run as root).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build git pkg-config
  libeigen3-dev libtbb-dev libboost-graph-dev libyaml-cpp-dev
  libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libopenblas-dev              # the linear layers' GEMMs (transformer/layers/gemm.h; Eigen's without it)
  # Python package (pybind11 bindings), its tests, report figures, the PyTorch reference
  pybind11-dev python3-dev python3-pybind11 python3-numpy python3-pytest python3-matplotlib python3-torch
  chromium fonts-dejavu-core   # the report test renders pages in headless Chromium
  clang-14 libfuzzer-14-dev    # sanitizer and fuzz builds
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
