#!/usr/bin/env bash
# Installs every Debian package that dlc's build, tests and demo need, and downloads the
# ONNX source distribution the importer is built with (cmake/OnnxLibrary.cmake). Idempotent;
# after it the build needs no network.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config curl ca-certificates
  llvm-22-dev libmlir-22-dev mlir-22-tools
  clang-22 libclang-rt-22-dev  # build-fuzz: sanitizers and libFuzzer (scripts/build-sanitized.sh)
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  catch2 zlib1g-dev libopenblas0-pthread
  libopenmpi-dev openmpi-bin iproute2  # data-parallel training (libdlcrt_mpi) and its multi-host test
  python3-numpy python3-torch python3-onnx python3-sklearn python3-venv
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

# ONNX 1.23.2 from PyPI (Debian's libonnx is 1.12: opsets up to 17). Pinned by checksum.
ONNX_VERSION=1.23.2
ONNX_SHA256=008cb0467b2bbee41448acc7da8b6f4e704624cb0d327a2d5adafc7ce19bc5b8
ONNX_URL=https://files.pythonhosted.org/packages/3f/62/bc2dfadb63ecf04cb2d65a6b17751863039d36c65de51d6a3128ab35f1e7/onnx-$ONNX_VERSION.tar.gz
DEPS="$(cd "$(dirname "$0")/.." && pwd)/.deps"
tarball="$DEPS/onnx-$ONNX_VERSION.tar.gz"
if ! echo "$ONNX_SHA256  $tarball" | sha256sum -c --status 2>/dev/null; then
  mkdir -p "$DEPS"
  curl -fsSL --retry 3 -o "$tarball.part" "$ONNX_URL"
  if ! echo "$ONNX_SHA256  $tarball.part" | sha256sum -c --status; then
    rm -f "$tarball.part"
    echo "bootstrap: onnx-$ONNX_VERSION.tar.gz does not have the pinned checksum" >&2
    exit 1
  fi
  mv "$tarball.part" "$tarball"
fi

# venv DIR REQUIREMENTS [VENV OPTIONS]: a venv with exactly the pinned requirements, remade
# when the requirements file changes.
venv() {
  local dir=$1 req=$2 stamp="$1/.requirements.sha256" want
  shift 2
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$dir"
    /usr/bin/python3 -m venv "$@" "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
  fi
}

# Test tools from PyPI (Debian's python3-onnx is 1.12): the ONNX 1.23.2 node-suite
# generators and onnxruntime, pinned in scripts/test-requirements.txt.
venv "$DEPS/venv" "$(dirname "$0")/test-requirements.txt"
# The Python package's tools (nanobind, scikit-build-core, pytest), in a venv that sees
# Debian's NumPy and PyTorch (python/CMakeLists.txt builds the package for it).
venv "$DEPS/pyvenv" "$(dirname "$0")/python-requirements.txt" --system-site-packages
