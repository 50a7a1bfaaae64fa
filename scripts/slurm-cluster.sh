# Sourced by scripts/test-slurm.sh and scripts/slurm-example.sh: installs slurm-wlm, munge and jq with apt when
# they are missing, starts a one-node SLURM on this machine (munged, slurmctld, slurmd; 2 CPUs; every file in a
# temporary folder, $work) and sets a trap that cancels the jobs, stops the daemons it started (by PID) and removes
# $work on exit. The caller defines say, fail and started (the script's start time) and exports nothing else.

# MARK: - Packages (as scripts/setup.sh installs them)
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v jq >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  say "installing slurm-wlm, munge and jq with apt"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q slurm-wlm munge jq >/dev/null
fi
[ "$(id -u)" -eq 0 ] || fail "the daemons run as root here (SlurmUser=root); run this script as root"

# MARK: - A one-node cluster in a temporary folder
work=$(mktemp -d /tmp/rein-slurm.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  status=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --user=root >/dev/null 2>&1
    for _ in $(seq 50); do
      [ -z "$(squeue --noheader --states=all --format=%T 2>/dev/null | grep -v -E 'COMPLETED|CANCELLED|FAILED|TIMEOUT')" ] && break
      sleep 0.2
    done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  if [ "$status" -ne 0 ] && [ -d "$work" ]; then
    for log in "$work"/*.log "$work"/*.out "$work"/run/slurm/*.out; do
      [ -f "$log" ] && { echo "--- $log (last 15 lines)"; tail -15 "$log"; }
    done
  fi
  rm -rf "$work"
  say "stopped ${#pids[@]} daemons, removed $work ($(($(date +%s) - started)) s in all)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

host=$(hostname -s)
base=$((20000 + ($$ % 5000) * 2))
mkdir -p "$work/state" "$work/spool" "$work/munge"
chmod 700 "$work/munge"
head -c 1024 /dev/urandom >"$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
cat >"$work/slurm.conf" <<EOF
ClusterName=rein-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# A requeued job waits cred_expire seconds (120 by default) before it may start again, and then for a pass of the
# main scheduler (sched_interval, 60 s by default): without these two lines the interrupted task resumes 2-3
# minutes after its requeue (on a real cluster too; `squeue` shows it PENDING with reason BeginTime meanwhile).
AuthInfo=socket=$work/munge/munge.socket,cred_expire=10
SchedulerParameters=sched_interval=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobRequeue=1
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf

munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/munge.seed" \
  --foreground &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || fail "munged did not start"
slurmctld -D -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo --noheader --format=%T 2>/dev/null | grep -q -E '^idle' && break
  sleep 0.2
done
sinfo --noheader --format=%T | grep -q -E '^idle' || fail "the node did not come up: $(sinfo 2>&1)"
say "cluster up in $(($(date +%s) - started)) s (munged, slurmctld, slurmd: pids ${pids[*]}; SLURM $(sinfo -V))"
