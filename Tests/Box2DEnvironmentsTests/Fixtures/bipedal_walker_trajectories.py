"""BipedalWalker fixtures from Gymnasium: per seed, two episodes of at most 120 steps of uniform random actions
(float32, from numpy's default_rng(seed + 1000)); per episode the terrain (doubles), the initial push, the reset
observation and the steps. Second episode: reset() without a seed.

Each step also holds `reward64`: the reward of a twin environment stepped with the same actions as float64 arrays.
With numpy 2 (NEP 50) a float32 action makes the torque cost, and so Gymnasium's reward, a float32; with float64
actions the reward stays a double, as Rein computes it (Rein's actions are doubles). The physics is the same: the
twin's observations are asserted equal to the bit."""
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
            twin = gym.make(env_id).unwrapped
            rng = np.random.default_rng(seed + 1000)
            eps = []
            for e in range(2):
                forces.clear()
                obs, _ = env.reset(seed=seed if e == 0 else None)
                twin_obs, _ = twin.reset(seed=seed if e == 0 else None)
                assert twin_obs.tobytes() == obs.tobytes()
                rec = {"terrain_x": list(env.terrain_x), "terrain_y": [float(v) for v in env.terrain_y],
                       "push": forces[0], "reset_obs": [float(x) for x in obs], "steps": []}
                for t in range(120):
                    a = rng.uniform(-1, 1, 4).astype(np.float32)
                    obs, r, term, trunc, _ = env.step(a)
                    twin_obs, r64, twin_term, _, _ = twin.step(a.astype(np.float64))
                    assert twin_obs.tobytes() == obs.tobytes() and twin_term == term
                    rec["steps"].append({"action": [float(x) for x in a], "obs": [float(x) for x in obs],
                                         "reward": float(r), "reward64": float(r64), "terminated": bool(term),
                                         "truncated": False})
                    if term:
                        break
                eps.append(rec)
            f.write(json.dumps({"seed": seed, "env": env_id, "episodes": eps}) + "\n")
