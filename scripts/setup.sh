#!/usr/bin/env bash
# Installs what Rein needs on a fresh machine. Idempotent: a second run finds everything in place and exits quickly.
#   - Debian packages: OpenBLAS (matmul), Box2D 2.4.1 (LunarLander, BipedalWalker), zlib (PNG plots), DejaVu Sans
#     (the text of PNG plots; without it they fall back to a bitmap font), EGL with
#     Mesa's software OpenGL (headless rendering of the MuJoCo environments; loaded at run time, optional).
#   - MuJoCo 4.0.0, the official build, unpacked from the `mujoco` wheel on PyPI into .mujoco/ (ignored by git).
#   - Rein's build of Box2D into .box2d/ (ignored by git; scripts/setup-box2d.sh): Box2D 2.3 from pybox2d's C++
#     sources (the `box2d` 2.3.2 sdist on PyPI), the Box2D Gymnasium runs, so LunarLander and BipedalWalker match
#     Gymnasium to the bit. If it cannot be built (no network, no compiler) Rein links Debian's libbox2d 2.4.1
#     instead, whose physics drift from Gymnasium's.
# Without root it prints the exact command to run instead of installing system packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libopenblas-dev libbox2d-dev zlib1g-dev pkg-config libegl1 libegl-mesa0 libgl1-mesa-dri libopengl0
  fonts-dejavu-core)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing Debian packages; run:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  else
    echo "setup: not a Debian system; install OpenBLAS and Box2D 2.4 with your package manager (macOS: brew install box2d)." >&2
  fi
fi

if [ -f scripts/setup-mujoco.sh ]; then bash scripts/setup-mujoco.sh; fi
if [ -f scripts/setup-box2d.sh ] && ! bash scripts/setup-box2d.sh; then
  echo "setup: Rein's Box2D build failed (see above); Rein will link the system's Box2D 2.4.1, whose physics are" \
    "not Gymnasium's to the bit" >&2
fi
echo "setup: ready"
