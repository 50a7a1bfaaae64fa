"""Records Gymnasium's generator-derived start of every LunarLander episode in the golden files.

For each golden line: reset(seed) once, replay the recorded actions, reset() at each episode end (as the golden
files were made), and record per episode the terrain heights (smooth_y, doubles), the initial force (doubles, as
drawn) and, with wind, the wind and torque offsets. Output: one JSON object per line.
"""
import json, sys
import numpy as np
import gymnasium as gym
import Box2D

forces = []
orig = Box2D.b2Body.ApplyForceToCenter
def record(self, force, wake):
    forces.append([float(force[0]), float(force[1])])
    return orig(self, force, wake)
Box2D.b2Body.ApplyForceToCenter = record

def run(env_id, path, kwargs):
    out = []
    for line in open(path):
        g = json.loads(line)
        env = gym.make(env_id, **kwargs).unwrapped
        eps = []
        for e, ep in enumerate(g["episodes"]):
            forces.clear()
            env.reset(seed=g["seed"] if e == 0 else None)
            rec = {"smooth_y": [p[0][1] for p in env.sky_polys] + [env.sky_polys[-1][1][1]], "push": forces[0]}
            if env.enable_wind:
                rec["wind_idx"] = int(env.wind_idx) - 1
                rec["torque_idx"] = int(env.torque_idx) - 1
            for s in ep["steps"]:
                a = s["action"]
                env.step(np.array(a, dtype=np.float32) if isinstance(a, list) else a)
            eps.append(rec)
        out.append({"seed": g["seed"], "kwargs": kwargs, "episodes": eps})
    return out

if __name__ == "__main__":
    G = "/work/shared/golden/"
    for env_id, name, kw in [("LunarLander-v3", "LunarLander-v3", {}),
                             ("LunarLander-v3", "LunarLanderContinuous-v3", {"continuous": True})]:
        with open(sys.argv[1] + f"/{name}-starts.jsonl", "w") as f:
            for r in run(env_id, G + name + ".jsonl", kw):
                f.write(json.dumps(r) + "\n")

def wind_run(path):
    """Wind on, gravity -9.0: seeds 0, 1, 42; two episodes of at most 60 steps with actions t % 4."""
    kwargs = {"enable_wind": True, "gravity": -9.0, "wind_power": 12.0, "turbulence_power": 1.0}
    with open(path, "w") as f:
        for seed in [0, 1, 42]:
            env = gym.make("LunarLander-v3", **kwargs).unwrapped
            eps = []
            for e in range(2):
                forces.clear()
                obs, _ = env.reset(seed=seed if e == 0 else None)
                rec = {"smooth_y": [p[0][1] for p in env.sky_polys] + [env.sky_polys[-1][1][1]], "push": forces[0],
                       "wind_idx": int(env.wind_idx) - 1, "torque_idx": int(env.torque_idx) - 1,
                       "reset_obs": [float(x) for x in obs], "steps": []}
                for t in range(60):
                    obs, r, term, trunc, _ = env.step(t % 4)
                    rec["steps"].append({"action": t % 4, "obs": [float(x) for x in obs], "reward": float(r),
                                         "terminated": bool(term), "truncated": False})
                    if term:
                        break
                eps.append(rec)
            f.write(json.dumps({"seed": seed, "kwargs": kwargs, "episodes": eps}) + "\n")

if __name__ == "__main__":
    wind_run(sys.argv[1] + "/LunarLanderWind-starts.jsonl")
