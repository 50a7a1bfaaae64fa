"""Which metrics Stable-Baselines3 logs, and how it counts train/n_updates (issue 16 item 4).

Trains SB3's PPO and A2C for a few iterations each with its logger writing both TensorBoard and CSV into a
temporary folder, then writes Tests/ExperimentsTests/Fixtures/sb3-tensorboard-tags.json:

  {"ppo-cartpole": {"settings": {...}, "tensorboard_tags": [...], "csv_columns": [...],
                    "rows": [{"time/iterations": 2, "train/n_updates": 3}, ...]}, ...}

`tensorboard_tags` are the scalar tags TensorBoard's EventAccumulator reads back (SB3 leaves time/iterations,
time/time_elapsed, time/total_timesteps and train/n_updates out of TensorBoard: `exclude="tensorboard"`);
`csv_columns` are progress.csv's header; `rows` pair every CSV row's iteration with its n_updates, to show SB3's
counting (PPO: one per epoch; A2C: one per update). SB3 dumps an iteration's logs before that iteration's
update, so the row of iteration k carries the count after k - 1 updates.

Run with the peers' environment (seconds on a CPU):
    ~/.cache/rein-peers/bin/python Benchmarks/peers/sb3_tensorboard_tags.py
"""

import csv
import glob
import json
import os
import pathlib
import tempfile

from stable_baselines3 import A2C, PPO
from stable_baselines3.common.logger import configure
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "Tests/ExperimentsTests/Fixtures/sb3-tensorboard-tags.json"

CASES = {
    "ppo-cartpole": (PPO, "CartPole-v1", {"n_steps": 64, "batch_size": 32, "n_epochs": 3}, 256, 1),
    "ppo-pendulum": (PPO, "Pendulum-v1", {"n_steps": 256, "batch_size": 64, "n_epochs": 2}, 1024, 1),
    "a2c-cartpole": (A2C, "CartPole-v1", {"n_steps": 5}, 100, 1),
}


def run(name, algorithm, environment, settings, steps, log_interval, folder):
    out = os.path.join(folder, name)
    model = algorithm("MlpPolicy", environment, seed=1, device="cpu", **settings)
    model.set_logger(configure(out, ["csv", "tensorboard"]))
    model.learn(total_timesteps=steps, log_interval=log_interval)
    events = glob.glob(os.path.join(out, "events.out.tfevents.*"))
    assert len(events) == 1, events
    accumulator = EventAccumulator(events[0])
    accumulator.Reload()
    with open(os.path.join(out, "progress.csv"), newline="") as file:
        reader = csv.DictReader(file)
        columns = sorted(reader.fieldnames)
        rows = [
            {key: int(float(row[key])) for key in ("time/iterations", "train/n_updates") if row.get(key)}
            for row in reader
        ]
    return {
        "algorithm": algorithm.__name__,
        "environment": environment,
        "settings": settings,
        "total_timesteps": steps,
        "log_interval": log_interval,
        "tensorboard_tags": sorted(accumulator.Tags()["scalars"]),
        "csv_columns": columns,
        "rows": rows,
    }


def main():
    with tempfile.TemporaryDirectory() as folder:
        result = {name: run(name, *case, folder) for name, case in CASES.items()}
    FIXTURE.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    for name, case in result.items():
        print(name, "tensorboard:", " ".join(case["tensorboard_tags"]))
        print(name, "csv:", " ".join(case["csv_columns"]))
        print(name, "rows:", case["rows"])
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
