"""Returns of Gymnasium's BipedalWalkerHeuristics on BipedalWalker-v3, seeds 0..19, for
Tests/Box2DEnvironmentsTests/BipedalWalkerHeuristicTests.swift.

Run with the peers' venv (Gymnasium 1.4.0, box2d 2.3.10, NumPy 2): prints the mean, the number of
episodes above 300 and each episode's return in shortest round-trip form. Each episode starts from the
zero action, then feeds every observation to a fresh controller, and stops at termination or 1600 steps.
"""

import gymnasium as gym
import numpy as np
from gymnasium.envs.box2d.bipedal_walker import BipedalWalkerHeuristics

returns = []
for seed in range(20):
    env = gym.make("BipedalWalker-v3")
    observation, _ = env.reset(seed=seed)
    controller = BipedalWalkerHeuristics()
    action = np.array([0.0, 0.0, 0.0, 0.0])
    total = 0.0
    for _ in range(1600):
        observation, reward, terminated, _, _ = env.step(action)
        total += reward
        action = controller.step_heuristic(observation)
        if terminated:
            break
    returns.append(total)
print(repr(float(np.mean(returns))), sum(r > 300 for r in returns))
print(", ".join(repr(float(r)) for r in returns))
