"""Evaluates a model `rein export --format sb3` wrote with SB3's own evaluate_policy.

Usage: python evaluate_sb3_export.py MODEL.zip ENV-ID [--algorithm PPO|A2C] [--episodes 100] [--seed 0]
The first episode starts from reset(seed=SEED), the others from seedless resets, as in `rein eval --seed SEED`.
Prints the mean and standard deviation of the deterministic policy's episode returns, as SB3 computes them.
"""
import argparse

import gymnasium as gym
import stable_baselines3
from stable_baselines3.common.evaluation import evaluate_policy

parser = argparse.ArgumentParser()
parser.add_argument("model")
parser.add_argument("env")
parser.add_argument("--algorithm", default="PPO")
parser.add_argument("--episodes", type=int, default=100)
parser.add_argument("--seed", type=int, default=0)
arguments = parser.parse_args()

model = getattr(stable_baselines3, arguments.algorithm).load(arguments.model, env=gym.make(arguments.env), device="cpu")
# The first reset takes the seed, later ones continue the environment's generator (as `rein eval --seed`).
model.get_env().seed(arguments.seed)
mean, std = evaluate_policy(model, model.get_env(), n_eval_episodes=arguments.episodes, deterministic=True)
print(f"{arguments.env}: SB3 {arguments.algorithm}.load + evaluate_policy, "
      f"{arguments.episodes} deterministic episodes: mean return {mean:.2f} ± {std:.2f}")
