#!/usr/bin/env bash
# Fetches MuJoCo 4.0.0, the official build, into .mujoco/ (ignored by git): .mujoco/lib holds the shared library,
# .mujoco/include/mujoco its headers. Idempotent: when the pinned version is in place it does nothing.
#
# The library and headers ship in the `mujoco-core` wheel on PyPI (the `mujoco` wheel of 4.0.0 is only the Python
# package that depends on it). pip downloads that one wheel without dependencies; Python is used here, at setup,
# only to download and unzip: Rein loads the library at run time with dlopen and never runs Python.
#
# To use a MuJoCo of your own instead, set REIN_MUJOCO_DIR to a folder holding lib/ (libmujoco.so.4.0.0 or
# libmujoco.4.0.0.dylib) and include/mujoco/: this script then copies only its headers into .mujoco/include (Rein
# compiles its shim against them) and downloads nothing, and at run time Rein loads the library from there alone.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="4.0.0"
DEST=".mujoco"
STAMP="$DEST/VERSION"

# MARK: - The user's own MuJoCo

if [ -n "${REIN_MUJOCO_DIR:-}" ]; then
  header="$REIN_MUJOCO_DIR/include/mujoco/mujoco.h"
  if ! ls "$REIN_MUJOCO_DIR"/lib/libmujoco* >/dev/null 2>&1 || [ ! -f "$header" ]; then
    echo "setup-mujoco: REIN_MUJOCO_DIR=$REIN_MUJOCO_DIR must hold lib/libmujoco* and include/mujoco/mujoco.h;" \
      "unset it to fetch MuJoCo $VERSION into $DEST instead" >&2
    exit 1
  fi
  if ! grep -q "mjVERSION_HEADER 4000000" "$header"; then
    echo "setup-mujoco: $header is not MuJoCo $VERSION ($(grep -o 'mjVERSION_HEADER [0-9]*' "$header")):" \
      "Rein is built for $VERSION" >&2
    exit 1
  fi
  stamp="$VERSION (headers of REIN_MUJOCO_DIR=$REIN_MUJOCO_DIR)"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp" ] && [ -f "$DEST/include/mujoco/mujoco.h" ]; then
    echo "setup-mujoco: using MuJoCo from REIN_MUJOCO_DIR=$REIN_MUJOCO_DIR"
    exit 0
  fi
  rm -rf "$DEST/include"
  mkdir -p "$DEST/include"
  cp -R "$REIN_MUJOCO_DIR/include/mujoco" "$DEST/include/"
  echo "$stamp" >"$STAMP"
  echo "setup-mujoco: using MuJoCo from REIN_MUJOCO_DIR=$REIN_MUJOCO_DIR (headers copied into $DEST/include)"
  exit 0
fi

# MARK: - Already installed?

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$VERSION" ] && [ -f "$DEST/include/mujoco/mujoco.h" ] \
  && ls "$DEST"/lib/libmujoco* >/dev/null 2>&1; then
  echo "setup-mujoco: MuJoCo $VERSION is in $DEST"
  exit 0
fi

# MARK: - Download the wheel

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  cat >&2 <<EOF
setup-mujoco: needs python3 with pip, only to download MuJoCo's official build (Debian: apt-get install python3-pip).
  Alternatively unpack MuJoCo $VERSION yourself (https://github.com/google-deepmind/mujoco/releases) and set
  REIN_MUJOCO_DIR to the folder holding its lib/ and include/.
EOF
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "setup-mujoco: downloading MuJoCo $VERSION (the mujoco-core wheel from PyPI)"
if ! "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: "mujoco-core==$VERSION" -d "$work" >&2; then
  # No wheel for this interpreter (say, an older Python): the library inside is the same for every Python
  # version, so take the CPython 3.12 wheel for this platform.
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform="manylinux_2_28_x86_64" ;;
    Linux-aarch64) platform="manylinux_2_28_aarch64" ;;
    Darwin-arm64) platform="macosx_11_0_arm64" ;;
    Darwin-x86_64) platform="macosx_10_16_x86_64" ;;
    *)
      echo "setup-mujoco: no MuJoCo wheel for $(uname -s)-$(uname -m); install MuJoCo $VERSION yourself and set" \
        "REIN_MUJOCO_DIR" >&2
      exit 1
      ;;
  esac
  echo "setup-mujoco: retrying with the CPython 3.12 wheel for $platform" >&2
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --abi cp312 --platform "$platform" "mujoco-core==$VERSION" -d "$work" >&2
fi

# MARK: - Unpack library and headers

wheel="$(ls "$work"/mujoco_core-"$VERSION"-*.whl | head -n 1)"
rm -rf "$DEST.partial"
mkdir -p "$DEST.partial/lib" "$DEST.partial/include"
"$PYTHON" - "$wheel" "$DEST.partial" <<'EOF'
import os, shutil, sys, zipfile

wheel, dest = sys.argv[1], sys.argv[2]
found_library = False
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.endswith("/"):
            continue
        if name.startswith("mujoco/include/mujoco/"):
            target = os.path.join(dest, "include", "mujoco", os.path.basename(name))
        elif name.startswith("mujoco/libmujoco"):
            target = os.path.join(dest, "lib", os.path.basename(name))
            found_library = True
        elif name.endswith("licenses/LICENSE"):
            target = os.path.join(dest, "LICENSE")
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(name) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
if not found_library:
    sys.exit(f"setup-mujoco: {wheel} holds no mujoco/libmujoco*")
EOF

rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
echo "$VERSION" >"$STAMP"
echo "setup-mujoco: MuJoCo $VERSION installed in $DEST ($(ls "$DEST"/lib))"
