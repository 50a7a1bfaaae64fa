#!/usr/bin/env bash
# Runs Rein's benchmarks and the Python peers (../shared/peers, or PEERS_DIR) side by side on one core and prints
# ratios. Usage: scripts/bench.sh [networks|envs|algorithms|all]. Needs the peer stack of the peers' setup.sh
# (PEERS_PYTHON, default ~/.cache/rein-peers/bin/python). The machine should be otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
PY="${PEERS_PYTHON:-$HOME/.cache/rein-peers/bin/python}"
PEERS="${PEERS_DIR:-../shared/peers}"
CORE="taskset -c 1"
command -v taskset >/dev/null || CORE=""
swift build -c release --product rein-bench >/dev/null
bench=".build/release/rein-bench"
json() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d[sys.argv[2]])" "$1" "$2"; }

if [ "$what" = networks ] || [ "$what" = all ]; then
  echo "== networks (us per call, one core)"
  peer=$($CORE "$PY" Benchmarks/peers/torch_networks.py)
  for name in w1-policy-forward ppo-minibatch-update actor-critic-forward-2048; do
    ours=$($CORE $bench "networks.$name" | tail -1)
    unit=$(json "$ours" unit)
    r=$(json "$ours" "median_us_per_$unit")
    p=$(echo "$peer" | grep "\"networks.$name\"" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['median_us_per_call'])")
    printf "  %-30s rein %10.2f us   pytorch %10.2f us   ratio %6.1fx\n" "$name" "$r" "$p" "$(echo "$p / $r" | bc -l)"
  done
fi

if [ "$what" = envs ] || [ "$what" = all ]; then
  echo "== environment steps per second (one core)"
  for env in CartPole-v1 Pendulum-v1 InvertedPendulum-v4 HalfCheetah-v4 LunarLander-v3; do
    p=$(json "$($CORE "$PY" "$PEERS/env_steps.py" --env "$env" --steps 100000)" steps_per_s)
    echo "  $env: gymnasium $p steps/s (compare with rein-bench's environment benchmarks: $bench env)"
  done
fi

if [ "$what" = algorithms ] || [ "$what" = all ]; then
  echo "== training steps per second (one core)"
  for envs in 1 8; do
    ours=$(json "$($CORE $bench "algorithms.ppo-cartpole-${envs}env" | tail -1)" step_per_s)
    peer=$(json "$($CORE "$PY" "$PEERS/sb3_ppo.py" --env CartPole-v1 --steps 32768 --envs "$envs" --seed 1)" steps_per_s)
    printf "  PPO CartPole-v1, %d env(s): rein %9.0f steps/s   SB3 %7.0f steps/s   ratio %5.1fx\n" "$envs" "$ours" "$peer" "$(echo "$ours / $peer" | bc -l)"
  done
  ours=$(json "$($CORE $bench algorithms.reinforce-invertedpendulum | tail -1)" step_per_s)
  peer=$(json "$($CORE "$PY" "$PEERS/reinforce_pendulum.py" --episodes 300 --seeds 1)" steps_per_s)
  printf "  W1 REINFORCE InvertedPendulum-v4: rein %9.0f steps/s   PyTorch %7.0f steps/s   ratio %5.1fx\n" "$ours" "$peer" "$(echo "$ours / $peer" | bc -l)"
fi
