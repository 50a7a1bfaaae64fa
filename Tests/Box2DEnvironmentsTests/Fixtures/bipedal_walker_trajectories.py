"""BipedalWalker fixtures from Gymnasium: per seed, two episodes of at most 120 steps of uniform random actions
(float32, from numpy's default_rng(seed + 1000)); per episode the terrain (doubles), the initial push, the reset
observation and the steps. Second episode: reset() without a seed."""
import json, sys
import numpy as np
import gymnasium as gym
import Box2D

forces = []
orig = Box2D.b2Body.ApplyForceToCenter
def record(self, force, wake):
    forces.append(float(force[0]))
    return orig(self, force, wake)
Box2D.b2Body.ApplyForceToCenter = record

for env_id in ["BipedalWalker-v3", "BipedalWalkerHardcore-v3"]:
    with open(f"{sys.argv[1]}/{env_id}-trajectories.jsonl", "w") as f:
        for seed in [0, 1, 42]:
            env = gym.make(env_id).unwrapped
            rng = np.random.default_rng(seed + 1000)
            eps = []
            for e in range(2):
                forces.clear()
                obs, _ = env.reset(seed=seed if e == 0 else None)
                rec = {"terrain_x": list(env.terrain_x), "terrain_y": [float(v) for v in env.terrain_y],
                       "push": forces[0], "reset_obs": [float(x) for x in obs], "steps": []}
                for t in range(120):
                    a = rng.uniform(-1, 1, 4).astype(np.float32)
                    obs, r, term, trunc, _ = env.step(a)
                    rec["steps"].append({"action": [float(x) for x in a], "obs": [float(x) for x in obs],
                                         "reward": float(r), "terminated": bool(term), "truncated": False})
                    if term:
                        break
                eps.append(rec)
            f.write(json.dumps({"seed": seed, "env": env_id, "episodes": eps}) + "\n")
