#!/usr/bin/env bash
# Installs the benchmark's optional Python peers on Debian/Ubuntu: numpy and PyTorch for /usr/bin/python3.
# `npm run bench` skips their columns, with a note, when they are missing; the tests never need them.
set -euo pipefail
if /usr/bin/python3 -c 'import numpy, torch' 2>/dev/null; then
  echo "numpy and torch already import in /usr/bin/python3"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-numpy python3-torch
