"""Makes Tests/MuJoCoEnvironmentsTests/Fixtures/*-v5.jsonl from the golden v5 traces (Gymnasium 1.4.0, MuJoCo 4.0.0).

Usage: python3 trim_golden_v5.py GOLDEN_DIR FIXTURE_DIR

Large files are trimmed without losing an episode boundary or a seed: every step keeps its action (the replay needs
them all to reach the end of an episode), but only the first HEAD and the last TAIL steps of each episode keep what
is compared (obs, reward, flags, info). Each trimmed line gets a `note` saying so. Small files are copied whole.
"""
import json
import sys
from pathlib import Path

# env id -> (steps kept whole at the start of each episode, at its end); absent: the whole file.
TRIM = {
    "HalfCheetah-v5": (40, 5),
    "Swimmer-v5": (100, 5),
    "HumanoidStandup-v5": (8, 2),
    "Humanoid-v5": (6, 2),
    "Ant-v5": (20, 3),
    "Pusher-v5": (30, 3),
}


def trim(run, head, tail):
    for episode in run["episodes"]:
        steps = episode["steps"]
        for t, step in enumerate(steps):
            if head <= t < len(steps) - tail:
                episode["steps"][t] = {"action": step["action"]}
    run["note"] = (f"trimmed: each episode keeps every action, and obs, reward, flags and info for its first {head} "
                   f"and last {tail} steps")
    return run


def main(golden, fixtures):
    for path in sorted(Path(golden).glob("*-v5.jsonl")):
        env = path.stem
        lines = []
        for line in path.read_text().splitlines():
            run = json.loads(line)
            if env in TRIM:
                run = trim(run, *TRIM[env])
            lines.append(json.dumps(run))
        (Path(fixtures) / path.name).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
