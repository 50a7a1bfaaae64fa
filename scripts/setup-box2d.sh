#!/usr/bin/env bash
# Builds Rein's own Box2D into .box2d/ (ignored by git): .box2d/lib/libbox2d-rein.a, a static -fPIC archive, and its
# headers in .box2d/include. Package.swift links this archive in preference to Debian's libbox2d.
# Idempotent: when the same source, patches, compiler and flags are in place it does nothing. About 10-25 s on 2 cores.
#
# Default: Box2D 2.3 as Gymnasium runs it. Gymnasium 1.4.0's box2d extra installs the `box2d` 2.3.10 wheel (pybox2d;
# `box2d-py` 2.3.8 on Python 3.14), compiled from the Box2D/ C++ tree of pybox2d. That tree ships in the `box2d` 2.3.2
# source distribution on PyPI (Box2D-2.3.2.tar.gz, checked by SHA-256), identical file for file to box2d-py 2.3.8's
# sdist and to pybox2d's git tag 2.3.10. Two patches, applied in order, change no computed value:
# scripts/box2d-2.3.2/00-no-python.patch makes its assertions plain C asserts instead of Python exceptions, so it
# builds without Python; 01-revolute-joint-cached-solves.patch computes the revolute joint's solve determinants once
# a step instead of once a velocity iteration, with the same operations (9-13% faster LunarLander). With them
# LunarLander-v3, LunarLanderContinuous-v3 and BipedalWalker-v3 replay Gymnasium's recordings to the bit
# (Box2DGoldenExactTests). The wheel is built by GCC 10 for generic x86-64 (SSE2 scalar float, no FMA instructions
# in it); this build keeps every float operation as written too, so both round alike.
#
# `REIN_BOX2D_VERSION=2.4.1 scripts/setup-box2d.sh`: Rein's former build, Box2D 2.4.1 from the tarball Debian archives
# with three speed patches in scripts/box2d-2.4.1 (applied in order) to the revolute-joint velocity solver, where
# LunarLander spends 80% of its time (Gymnasium's 180 velocity iterations per step): skip the velocity updates that
# add zero (01), keep the velocities one revolute joint wrote in registers for the next (02) and compute the point
# constraint's impulse from rows precomputed once per step (03). 01 and 02 keep Debian's results to the bit; 03 changes
# rounding. 2.4.1 is not Gymnasium's Box2D: its trajectories drift from Gymnasium's (LunarLanderParityTests).
#
#   - Set REIN_BOX2D_TARBALL to a local copy of the source archive to build without downloading.
#   - Compiler: $CXX, else clang++ (shipped with Swift), else g++. Flags: -O2 -DNDEBUG -fPIC -ffp-contract=off
#     -fno-slp-vectorize (see below); generic code for the architecture (no -march=native: it did not help).
#   - The stamp .box2d/BUILD names the version, every patch with its checksum, the compiler and the flags, so a change
#     to any of them rebuilds an existing .box2d/.
#
# `scripts/setup-box2d.sh --uninstall` removes .box2d/, so that Rein links the system's Box2D again.
set -euo pipefail
cd "$(dirname "$0")/.."

# SwiftPM evaluates Package.swift once and caches the result by the manifest's text, so it would not notice that
# .box2d/ appeared or went away: drop its manifest cache and touch Package.swift so that the next build re-plans.
refresh_swiftpm() {
  rm -f "${XDG_CACHE_HOME:-$HOME/.cache}/org.swift.swiftpm/manifests/manifest.db" \
    "$HOME/Library/Caches/org.swift.swiftpm/manifests/manifest.db"
  touch Package.swift
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf .box2d .box2d.partial
  refresh_swiftpm
  echo "setup-box2d: removed .box2d; the next build links the system's Box2D (if installed)"
  exit 0
fi

VERSION="${REIN_BOX2D_VERSION:-2.3.2}"
case "$VERSION" in
  2.3.2)
    # pybox2d's source distribution: its Box2D/ folder is the C++ tree of Box2D 2.3 that Gymnasium's Box2D 2.3.10
    # wheel is compiled from (identical in box2d-py 2.3.8's sdist and at pybox2d's tag 2.3.10).
    SHA256="d1557dffdf9c1d6c796ec5df53e3d93227bb026c14b8411d22c295edaa2fb225"
    ARCHIVE="Box2D-${VERSION}.tar.gz"
    URLS=(
      "https://files.pythonhosted.org/packages/cc/7b/ddb96fea1fa5b24f8929714ef483f64c33e9649e7aae066e5f5023ea426a/Box2D-2.3.2.tar.gz"
    )
    TOP="Box2D-${VERSION}"
    ;;
  2.4.1)
    SHA256="d6b4650ff897ee1ead27cf77a5933ea197cbeef6705638dd181adc2e816b23c2"
    ARCHIVE="box2d_${VERSION}.orig.tar.gz"
    URLS=(
      "https://deb.debian.org/debian/pool/main/b/box2d/box2d_${VERSION}.orig.tar.gz"
      "http://deb.debian.org/debian/pool/main/b/box2d/box2d_${VERSION}.orig.tar.gz"
      "https://github.com/erincatto/box2d/archive/refs/tags/v${VERSION}.tar.gz"
    )
    TOP="box2d-${VERSION}"
    ;;
  *)
    echo "setup-box2d: REIN_BOX2D_VERSION must be 2.3.2 (the default) or 2.4.1, not $VERSION" >&2
    exit 1
    ;;
esac
PATCHES=(scripts/box2d-"$VERSION"/*.patch)
DEST=".box2d"
STAMP="$DEST/BUILD"

# MARK: - Compiler and flags

CXX="${CXX:-}"
if [ -z "$CXX" ]; then
  for candidate in clang++ g++ c++; do
    if command -v "$candidate" >/dev/null 2>&1; then CXX="$candidate"; break; fi
  done
fi
if [ -z "$CXX" ] || ! command -v "$CXX" >/dev/null 2>&1; then
  echo "setup-box2d: no C++ compiler found (set CXX); Rein will use the system's Box2D if installed" >&2
  exit 1
fi
# No fused multiply-add (-ffp-contract=off) and never -ffast-math: every float operation rounds as the patched source
# writes it (so 2.3 gives the pybox2d wheel's results and 2.4.1 with patches 01 and 02 alone Debian's, bit for bit). No SLP vectorisation: packing the
# solver's x and y into vector registers adds shuffles to its one long dependency chain (measured: 20% slower).
case "$("$CXX" --version 2>/dev/null)" in
  *clang*) no_slp=(-fno-slp-vectorize) ;;
  *) no_slp=(-fno-tree-slp-vectorize -fno-tree-vectorize) ;;
esac
FLAGS=(-std=c++11 -O2 -DNDEBUG -fPIC -ffp-contract=off "${no_slp[@]}")

download() {  # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 --connect-timeout 20 -o "$2" "$1" 2>/dev/null
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 20 -O "$2" "$1"
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2" 2>/dev/null
  fi
}

checksum() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# MARK: - Already built?

compiler="$("$CXX" --version | head -n 1)"
patch_sums="$(for p in "${PATCHES[@]}"; do echo "$(basename "$p") $(checksum "$p")"; done)"
want="box2d $VERSION sha256 $SHA256 patches ${patch_sums//$'\n'/, } compiler $compiler flags ${FLAGS[*]}"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -f "$DEST/lib/libbox2d-rein.a" ] \
  && { [ -f "$DEST/include/box2d/box2d.h" ] || [ -f "$DEST/include/Box2D/Box2D.h" ]; }; then
  echo "setup-box2d: Box2D $VERSION (Rein's build) is in $DEST"
  exit 0
fi

# MARK: - Fetch and verify the source

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$work/box2d-$VERSION.tar.gz"
if [ -n "${REIN_BOX2D_TARBALL:-}" ]; then
  cp "$REIN_BOX2D_TARBALL" "$tarball"
else
  fetched=0
  for url in "${URLS[@]}"; do
    echo "setup-box2d: downloading $url"
    if download "$url" "$tarball" && [ "$(checksum "$tarball")" = "$SHA256" ]; then
      fetched=1
      break
    fi
  done
  if [ "$fetched" != 1 ]; then
    echo "setup-box2d: could not download Box2D $VERSION with SHA-256 $SHA256 from any of: ${URLS[*]}." \
      "Download $ARCHIVE yourself and set REIN_BOX2D_TARBALL to it." >&2
    exit 1
  fi
fi
if [ "$(checksum "$tarball")" != "$SHA256" ]; then
  echo "setup-box2d: ${REIN_BOX2D_TARBALL:-the download} has SHA-256 $(checksum "$tarball"), expected $SHA256" \
    "(Box2D $VERSION)" >&2
  exit 1
fi

# MARK: - Patch and compile

tar -xzf "$tarball" -C "$work"
source="$work/$TOP"
for p in "${PATCHES[@]}"; do
  if command -v patch >/dev/null 2>&1; then
    patch --quiet -p1 -d "$source" <"$p"
  else
    (cd "$source" && git apply -p1 -) <"$p"
  fi
done
if [ "$VERSION" = 2.3.2 ]; then
  sources="$source/Box2D" includes=(-I"$source") timer="*/b2Timer.cpp"
else
  sources="$source/src" includes=(-I"$source/include" -I"$source/src") timer="*/b2_timer.cpp"
fi
mkdir -p "$work/objects"
echo "setup-box2d: compiling Box2D $VERSION with $CXX ${FLAGS[*]}"
# b2Timer only fills b2World's profile, which Rein never reads: compiled without __linux__ it takes Box2D's
# portable branch, which does not read the clock (about 10 gettimeofday calls per step otherwise).
find "$sources" -name '*.cpp' | sort | xargs -P 2 -I{} sh -c '
  file="$1"; shift; extra=""
  case "$file" in '"$timer"') extra="-U__linux__" ;; esac
  "$@" $extra -c "$file" -o "'"$work"'/objects/$(basename "$file" .cpp).o"
' sh {} "$CXX" "${FLAGS[@]}" "${includes[@]}"

rm -rf "$DEST.partial"
mkdir -p "$DEST.partial/lib" "$DEST.partial/include"
ar rcs "$DEST.partial/lib/libbox2d-rein.a" "$work"/objects/*.o
if [ "$VERSION" = 2.3.2 ]; then
  (cd "$source" && find Box2D -name '*.h' | while read -r h; do
    mkdir -p "$OLDPWD/$DEST.partial/include/$(dirname "$h")" && cp "$h" "$OLDPWD/$DEST.partial/include/$h"
  done)
  cp "$source/Box2D/Box2D-License.txt" "$DEST.partial/LICENSE"
else
  cp -R "$source/include/box2d" "$DEST.partial/include/"
  cp "$source/LICENSE" "$DEST.partial/LICENSE"
fi
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
echo "$want" >"$STAMP"
refresh_swiftpm
echo "setup-box2d: Box2D $VERSION (Rein's build) installed in $DEST; rebuild Rein to link it"
