#!/usr/bin/env bash
# Rein on a real SLURM (issue 15): starts a one-node SLURM on this machine (munged, slurmctld, slurmd, all
# state in a temporary folder), submits a sweep of ppo-cartpole-fast (2 settings x 2 seeds) with
# `rein submit --slurm`, interrupts one running task with `scancel --signal=TERM`, and checks that
#   - the interrupted task wrote its checkpoint, was requeued by SLURM and resumed from it,
#   - the collect job (--dependency=afterany) ran after every task and wrote summary.json and results.md,
#   - every cell's progress.csv (clock columns aside), final tensors and summary.json (timings aside) equal a
#     plain local `rein run` of the same sweep to the bit.
# Then it stops every daemon it started (by PID) and removes its files, also when a check fails.
#
# Needs the release build (`swift build -c release`, or REIN=/path/to/rein) and root or sudo for apt (slurm-wlm,
# munge, jq from Debian; SLURM 22.05). REIN_SLURM_STEPS sets the cells' budget (default 60000 steps).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rein=${REIN:-$root/.build/release/rein}
steps=${REIN_SLURM_STEPS:-60000}
started=$(date +%s)
[ -x "$rein" ] || { echo "test-slurm: $rein is missing; build first: swift build -c release" >&2; exit 1; }

say() { echo "test-slurm: $*"; }
fail() { echo "test-slurm: FAILED: $*" >&2; exit 1; }

# shellcheck source=scripts/slurm-cluster.sh
source "$root/scripts/slurm-cluster.sh"

# MARK: - The sweep, locally and on SLURM
sweep=(ppo-cartpole-fast --seeds 1,2 --grid n_epochs=5,10 --set steps="$steps" --set eval_episodes=3
  --set record_final=false --set progress=lines)
export REIN_PRESETS=$root/presets
local_start=$(date +%s)
"$rein" run "${sweep[@]}" --out "$work/local" >"$work/local.log" 2>&1 ||
  fail "the local run failed: $(tail -5 "$work/local.log")"
say "local run: $(($(date +%s) - local_start)) s"

cd "$work"
slurm_start=$(date +%s)
"$rein" submit "${sweep[@]}" --slurm --out "$work/run" --max-parallel 2 >"$work/submit.log" 2>&1 ||
  fail "rein submit failed: $(cat "$work/submit.log")"
cat "$work/submit.log"
array=$(awk '$1 == "array" { print $2 }' "$work/run/slurm/jobs.txt")
collect=$(awk '$1 == "collect" { print $2 }' "$work/run/slurm/jobs.txt")
[ -n "$array" ] && [ -n "$collect" ] || fail "no job ids in $work/run/slurm/jobs.txt"
grep -q -- "--array=0-3%2" "$work/run/slurm/array.sbatch" || fail "array.sbatch lacks --array=0-3%2"

# Interrupt task 0 once it is training (its progress file has rows), as SLURM does before a time limit or a
# preemption: SIGTERM to the batch shell, which passes it to the cell.
victim="${array}_0"
progress="$work/run/n_epochs=5/seed-1/progress.csv"
for _ in $(seq 600); do
  [ -f "$progress" ] && [ "$(wc -l <"$progress")" -ge 3 ] && break
  sleep 0.1
done
[ "$(squeue --noheader --jobs="$victim" --format=%T 2>/dev/null)" = RUNNING ] ||
  fail "task $victim was not running when it was to be interrupted"
rows_before=$(wc -l <"$progress")
victim_id=$(squeue --noheader --jobs="$victim" --format=%A)
# SLURM 22.05 may answer "Job can not be altered now, try again later" for an array task though it delivered the
# signal, and scancel then retries every few seconds: a retry would reach the requeued task too (seen: Restarts=2).
# So scancel gets 4 s (the requeued task starts again after 6 s or more); the checks below show whether the task was
# interrupted, requeued and resumed.
timeout 4 scancel --batch --signal=TERM "$victim_id" || say "scancel exited with $? (the checks below tell whether it worked)"
say "sent SIGTERM to task $victim (job $victim_id) at $((rows_before - 1)) progress rows"

deadline=$(($(date +%s) + ${REIN_SLURM_TIMEOUT:-600}))
while :; do
  state=$(scontrol show job "$collect" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' || true)
  case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL) break ;; esac
  if [ -n "${REIN_SLURM_VERBOSE:-}" ]; then
    echo "$(date -u +%T) $(squeue --noheader --states=all --format='%i:%T:%r:%S' | tr '\n' ' ')"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { scontrol show job "$array"; fail "timed out waiting for collect job $collect ($state)"; }
  sleep 1
done
say "SLURM run (submit to collect): $(($(date +%s) - slurm_start)) s; collect job $collect $state"
[ "$state" = COMPLETED ] || fail "collect job $collect ended $state: $(tail -5 "$work/run/slurm/collect.out")"

# MARK: - Checks
log0="$work/run/slurm/cell-0.out"
grep -q "was interrupted and saved its checkpoint; requeueing" "$log0" || fail "task 0 did not say it was requeued"
grep -q "resuming at [0-9]* steps from .*latest_checkpoint.safetensors" "$log0" ||
  fail "the requeued task 0 did not resume from its checkpoint"
grep -q "restart 1" "$log0" || fail "task 0 did not run a second time (SLURM_RESTART_COUNT 1)"
restarts=$(scontrol show job "$victim" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "$restarts" = 1 ] || fail "scontrol says task $victim restarted ${restarts:-?} times, not once"
say "task 0: $(grep -m1 -o "interrupted at [0-9]* steps" "$log0"), requeued (Restarts=$restarts), $(grep -m1 -o "resuming at [0-9]* steps" "$log0")"
grep -q "collected 4 of 4 cells" "$work/run/slurm/collect.out" || fail "the collect job did not collect all 4 cells"
[ -f "$work/run/results.md" ] || fail "no results.md"

# progress.csv without its clock columns
curve() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_time" || $i == "time/fps" || $i == "time/time_elapsed") skip[i] = 1 }
  { line = ""; for (i = 1; i <= NF; i++) if (!skip[i]) line = line $i ","; print line }' "$1" | sha256sum; }
# the checkpoint's tensor data (after the 8-byte header length and the JSON header, which holds the wall time)
tensors() { n=$(od -An -tu8 -N8 "$1" | tr -d ' '); tail -c +$((9 + n)) "$1" | sha256sum; }
summary() { jq -S 'del(.runs[].wall_s, .runs[].steps_per_s, .aggregate[].steps_per_s)' "$1" | sha256sum; }
for cell in n_epochs=5/seed-1 n_epochs=5/seed-2 n_epochs=10/seed-1 n_epochs=10/seed-2; do
  [ "$(curve "$work/local/$cell/progress.csv")" = "$(curve "$work/run/$cell/progress.csv")" ] ||
    fail "$cell: progress.csv differs from the local run's"
  [ "$(tensors "$work/local/$cell/checkpoint.safetensors")" = "$(tensors "$work/run/$cell/checkpoint.safetensors")" ] ||
    fail "$cell: the final tensors differ from the local run's"
done
[ "$(summary "$work/local/summary.json")" = "$(summary "$work/run/summary.json")" ] ||
  fail "summary.json differs from the local run's (timings aside)"
say "4 cells: progress.csv, final tensors and summary.json equal the local run's to the bit (timings aside)"
grep -h -E "^rein: (cell|collect)" "$work"/run/slurm/*.out | sort -k7
"$rein" status "$work/run" | head -3
say "passed"
