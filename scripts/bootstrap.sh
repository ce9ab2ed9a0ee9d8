#!/usr/bin/env bash
# Installs every Debian package that dlc's build, tests and demo need. Idempotent.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  llvm-22-dev libmlir-22-dev mlir-22-tools
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  catch2 zlib1g-dev libopenblas0-pthread
  python3-numpy python3-torch python3-onnx python3-sklearn
  dataset-fashion-mnist
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
