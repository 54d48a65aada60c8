#!/usr/bin/env bash
# Installs the benchmark's optional Python peers on Debian/Ubuntu: numpy and PyTorch for /usr/bin/python3.
# `npm run bench` skips their columns, with a note, when they are missing; the tests never need them.
set -euo pipefail
# libopenblas0-pthread: without it (it is only a recommendation), Debian's torch and numpy run on the reference
# BLAS/LAPACK, which makes PyTorch's orthogonal_ about 7x slower (512x512: 112 ms instead of about 16 ms) and the
# comparison meaningless.
if /usr/bin/python3 -c 'import numpy, torch' 2>/dev/null && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  echo "numpy and torch already import in /usr/bin/python3, on OpenBLAS"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-numpy python3-torch libopenblas0-pthread
