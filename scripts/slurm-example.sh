#!/usr/bin/env bash
# The README's worked example for "On a cluster": one experiment (default: W9.2, sweep-ppo-lunarlander, 81 cells)
# run twice on this machine, first as a plain local `rein run`, then on a one-node SLURM (scripts/slurm-cluster.sh:
# 2 CPUs, daemons started and stopped by this script) with `rein submit --slurm --max-parallel 2`; prints both
# wall times and checks that the two runs' summary.json (timings aside) and every cell's final tensors are equal.
#
#   sudo bash scripts/slurm-example.sh [PRESET] [KEEP-FOLDER]    (KEEP-FOLDER receives both runs' results.md)
#
# Needs the release build (`swift build -c release`, or REIN=/path/to/rein) and root for the daemons.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rein=${REIN:-$root/.build/release/rein}
preset=${1:-sweep-ppo-lunarlander}
keep=${2:-}
started=$(date +%s)
[ -x "$rein" ] || { echo "slurm-example: $rein is missing; build first: swift build -c release" >&2; exit 1; }

say() { echo "slurm-example: $(date -u +%T) $*"; }
fail() { echo "slurm-example: FAILED: $*" >&2; exit 1; }

# shellcheck source=scripts/slurm-cluster.sh
source "$root/scripts/slurm-cluster.sh"
export REIN_PRESETS=$root/presets
cells=$("$rein" run "$preset" --list-cells | grep -c -E '^[0-9]+')

local_start=$(date +%s)
"$rein" run "$preset" --set progress=none --out "$work/local" >"$work/local.log" 2>&1 ||
  fail "the local run failed: $(tail -5 "$work/local.log")"
local_wall=$(($(date +%s) - local_start))
say "local rein run: $cells cells in $local_wall s"

cd "$work"
slurm_start=$(date +%s)
"$rein" submit "$preset" --set progress=none --slurm --out "$work/run" --max-parallel 2 >"$work/submit.log" 2>&1 ||
  fail "rein submit failed: $(cat "$work/submit.log")"
collect=$(awk '$1 == "collect" { print $2 }' "$work/run/slurm/jobs.txt")
deadline=$(($(date +%s) + ${REIN_SLURM_TIMEOUT:-14400}))
while :; do
  state=$(scontrol show job "$collect" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' || true)
  case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL) break ;; esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for collect job $collect ($state)"
  sleep 2
done
slurm_wall=$(($(date +%s) - slurm_start))
[ "$state" = COMPLETED ] || fail "collect job $collect ended $state: $(tail -5 "$work/run/slurm/collect.out")"
say "SLURM (rein submit to the end of the collect job): $cells cells in $slurm_wall s"

summary() { jq -S 'del(.runs[].wall_s, .runs[].steps_per_s, .aggregate[].steps_per_s)' "$1" | sha256sum; }
tensors() { n=$(od -An -tu8 -N8 "$1" | tr -d ' '); tail -c +$((9 + n)) "$1" | sha256sum; }
[ "$(summary "$work/local/summary.json")" = "$(summary "$work/run/summary.json")" ] ||
  fail "summary.json differs between the local and the SLURM run (timings aside)"
compared=0
while IFS= read -r checkpoint; do
  cell=${checkpoint#"$work/local/"}
  [ "$(tensors "$checkpoint")" = "$(tensors "$work/run/$cell")" ] || fail "$cell: the final tensors differ"
  compared=$((compared + 1))
done < <(find "$work/local" -name checkpoint.safetensors | sort)
say "equal: summary.json (timings aside) and the final tensors of $compared cells"
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  for side in local run; do
    for file in results.md summary.json; do
      if [ -f "$work/$side/$file" ]; then cp "$work/$side/$file" "$keep/$side-$file"; fi
    done
  done
fi
say "local $local_wall s, SLURM $slurm_wall s ($(awk -v a="$slurm_wall" -v b="$local_wall" 'BEGIN { printf "%.2f", a / b }')x)"
