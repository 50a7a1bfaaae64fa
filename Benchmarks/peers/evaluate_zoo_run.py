"""Scores a model trained by the RL Zoo's own script, as `rein benchmark` scores Rein's cells.

Usage: python evaluate_zoo_run.py RUN_FOLDER ENV-ID [--episodes 10] [--seed 0]
RUN_FOLDER is what `python -m rl_zoo3.train --algo ppo --env ENV-ID -f LOGS --seed S` wrote (LOGS/ppo/ENV-ID_N):
its Monitor file gives the mean return of the last 100 training episodes; ENV-ID.zip and ENV-ID/vecnormalize.pkl give
the deterministic evaluation, with the normalisation statistics frozen and the returns the environment's own.
Used for the README's RL Zoo table (Hopper-v5 and Ant-v5 trained with the zoo's v4 entries, renamed to v5, via -conf).
"""
import argparse
import csv

import gymnasium as gym
from stable_baselines3 import PPO
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("env")
parser.add_argument("--episodes", type=int, default=10)
parser.add_argument("--seed", type=int, default=0)
arguments = parser.parse_args()

with open(f"{arguments.folder}/0.monitor.csv") as monitor:
    monitor.readline()  # the Monitor's JSON header line
    episodes = list(csv.DictReader(monitor))
returns = [float(episode["r"]) for episode in episodes]
steps = sum(int(episode["l"]) for episode in episodes)
last = returns[-100:]
print(f"{arguments.env}: {len(returns)} training episodes, {steps} steps, "
      f"mean return of the last {len(last)}: {sum(last) / len(last):.1f}")

env = VecNormalize.load(f"{arguments.folder}/{arguments.env}/vecnormalize.pkl",
                        DummyVecEnv([lambda: gym.make(arguments.env)]))
env.training = False
env.norm_reward = False
model = PPO.load(f"{arguments.folder}/{arguments.env}.zip", env=env, device="cpu")
env.seed(arguments.seed)
mean, std = evaluate_policy(model, env, n_eval_episodes=arguments.episodes, deterministic=True)
print(f"{arguments.env}: {arguments.episodes} deterministic episodes, mean return {mean:.1f} ± {std:.1f}")
