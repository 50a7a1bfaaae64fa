#!/usr/bin/env bash
# Builds Rein's own Box2D 2.4.1 into .box2d/ (ignored by git): .box2d/lib/libbox2d-rein.a, a static -fPIC archive,
# and .box2d/include/box2d, its headers. Package.swift links this archive in preference to Debian's libbox2d.
# Idempotent: when the same source, patch, compiler and flags are in place it does nothing. About 10 s on 2 cores.
#
# Why: LunarLander spends 80% of its time in Box2D's revolute-joint velocity solver (Gymnasium's 180 velocity
# iterations per step). That loop is bound by the latency of one long chain of dependent float operations, so
# more optimisation does not help (measured: -O3 and -march=native are no faster than Debian's -O2, often slower).
# What helps is a shorter chain: the patches in scripts/box2d/ (applied in order) skip the velocity updates that add
# zero (01), keep the velocities one revolute joint wrote in registers for the next (02) and compute the point
# constraint's impulse from rows precomputed once per step, applying an active limit's raw impulse (03); SLP
# vectorisation is turned off. 01 and 02 keep Debian's results to the bit; 03 computes the same mathematics in
# another order, so it changes rounding: results are deterministic but not bit-identical to Debian's 2.4.1 (its
# header says why; Box2DBuildTests pins this build's trajectories by digest, and the golden drift tests measure how
# close it stays to Gymnasium's Box2D 2.3). The stamp .box2d/BUILD names every patch with its checksum, so adding or
# changing a patch rebuilds an existing .box2d/.
#
#   - Source: the Box2D v2.4.1 release tarball as Debian archives it (box2d_2.4.1.orig.tar.gz), checked by SHA-256.
#     Set REIN_BOX2D_TARBALL to a local copy of that file to build without downloading.
#   - Compiler: $CXX, else clang++ (shipped with Swift), else g++. Flags: -O2 -DNDEBUG -fPIC -ffp-contract=off
#     -fno-slp-vectorize (see below); generic code for the architecture (no -march=native: it did not help).
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

VERSION="2.4.1"
SHA256="d6b4650ff897ee1ead27cf77a5933ea197cbeef6705638dd181adc2e816b23c2"
URLS=(
  "https://deb.debian.org/debian/pool/main/b/box2d/box2d_${VERSION}.orig.tar.gz"
  "http://deb.debian.org/debian/pool/main/b/box2d/box2d_${VERSION}.orig.tar.gz"
  "https://github.com/erincatto/box2d/archive/refs/tags/v${VERSION}.tar.gz"
)
PATCHES=(scripts/box2d/*.patch)
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
# writes it (so patches 01 and 02 alone give Debian's results, bit for bit). No SLP vectorisation: packing the
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
  && [ -f "$DEST/include/box2d/box2d.h" ]; then
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
      "Download box2d_${VERSION}.orig.tar.gz yourself and set REIN_BOX2D_TARBALL to it." >&2
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
source="$work/box2d-$VERSION"
for p in "${PATCHES[@]}"; do
  if command -v patch >/dev/null 2>&1; then
    patch --quiet -p1 -d "$source" <"$p"
  else
    (cd "$source" && git apply -p1 -) <"$p"
  fi
done
mkdir -p "$work/objects"
echo "setup-box2d: compiling Box2D $VERSION with $CXX ${FLAGS[*]}"
# b2Timer only fills b2World's profile, which Rein never reads: compiled without __linux__ it takes Box2D's
# portable branch, which does not read the clock (about 10 gettimeofday calls per step otherwise).
find "$source/src" -name '*.cpp' | sort | xargs -P 2 -I{} sh -c '
  file="$1"; shift; extra=""
  case "$file" in */b2_timer.cpp) extra="-U__linux__" ;; esac
  "$@" $extra -I"'"$source"'/include" -I"'"$source"'/src" -c "$file" -o "'"$work"'/objects/$(basename "$file" .cpp).o"
' sh {} "$CXX" "${FLAGS[@]}"

rm -rf "$DEST.partial"
mkdir -p "$DEST.partial/lib" "$DEST.partial/include"
ar rcs "$DEST.partial/lib/libbox2d-rein.a" "$work"/objects/*.o
cp -R "$source/include/box2d" "$DEST.partial/include/"
cp "$source/LICENSE" "$DEST.partial/LICENSE"
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
echo "$want" >"$STAMP"
refresh_swiftpm
echo "setup-box2d: Box2D $VERSION (Rein's build) installed in $DEST; rebuild Rein to link it"
