"""Turns golden trajectories into `rein replay` fixtures: the actions file and the expected output lines.

Run from this folder: python3 make_replay_fixtures.py ../  (the golden .jsonl files sit in the parent folder).
"""
import json, sys

source = sys.argv[1] if len(sys.argv) > 1 else ".."
for env_id, seed in [("CartPole-v1", 0), ("Pendulum-v1", 1), ("MountainCarContinuous-v0", 42)]:
    for line in open(f"{source}/{env_id}.jsonl"):
        run = json.loads(line)
        if run["seed"] != seed:
            continue
        actions, out = [], []
        for episode in run["episodes"]:
            out.append(json.dumps({"reset_obs": episode["reset_obs"]}))
            for step in episode["steps"]:
                actions.append(step["action"])
                out.append(json.dumps({k: step[k] for k in ("obs", "reward", "terminated", "truncated")}))
        json.dump(actions, open(f"{env_id}-seed{seed}.actions.json", "w"))
        open(f"{env_id}-seed{seed}.expected.jsonl", "w").write("\n".join(out) + "\n")
