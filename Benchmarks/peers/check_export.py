"""Loads what `rein export` wrote and compares its actions with Rein's on the same observations.

Usage: python check_export.py CASES.json [CASES.json ...]   (with the peer stack of ../shared/peers/setup.sh)
CASES.json: {"observations": [[...], ...], "actions": [...] (Rein's deterministic actions: an int or a list of
floats per row), "values": [...] (Rein's V(s)), "sb3": path or null, "algorithm": "PPO" | "A2C",
"onnx": path or null}.
Prints one JSON line per check with the largest difference (actions, values), and exits 0 only if every check
is within its tolerance (given in the line). SB3: `PPO.load(path).predict(obs, deterministic=True)` and
`policy.predict_values`; ONNX: onnxruntime's outputs `action` and `value`.
"""
import json
import sys

import numpy as np

ACTION_TOLERANCE = 1e-5
VALUE_TOLERANCE = 1e-4


def compare(name, got, expected, tolerance, discrete):
    got = np.asarray(got, dtype=np.float64).reshape(np.asarray(expected).shape)
    expected = np.asarray(expected, dtype=np.float64)
    if discrete:
        difference = float(np.sum(got != expected))
        ok = difference == 0
        line = {"check": name, "case": CASE[0], "mismatched_rows": int(difference), "rows": len(expected), "ok": ok}
    else:
        difference = float(np.max(np.abs(got - expected))) if expected.size else 0.0
        ok = difference <= tolerance
        line = {"check": name, "case": CASE[0], "max_abs_difference": difference, "tolerance": tolerance, "ok": ok}
    print(json.dumps(line))
    return ok


def check(path):
    cases = json.load(open(path))
    observations = np.asarray(cases["observations"], dtype=np.float32)
    actions = cases["actions"]
    discrete = all(isinstance(a, int) for a in actions)
    ok = True
    if cases.get("sb3"):
        import torch
        import stable_baselines3

        algorithm = getattr(stable_baselines3, cases["algorithm"])
        model = algorithm.load(cases["sb3"], device="cpu")
        predicted, _ = model.predict(observations, deterministic=True)
        ok &= compare("sb3 action", predicted, actions, ACTION_TOLERANCE, discrete)
        with torch.no_grad():
            values = model.policy.predict_values(torch.as_tensor(observations)).numpy().reshape(-1)
        ok &= compare("sb3 value", values, cases["values"], VALUE_TOLERANCE, False)
    if cases.get("onnx"):
        import onnx
        import onnxruntime

        onnx.checker.check_model(onnx.load(cases["onnx"]), full_check=True)
        session = onnxruntime.InferenceSession(cases["onnx"], providers=["CPUExecutionProvider"])
        names = [output.name for output in session.get_outputs()]
        outputs = dict(zip(names, session.run(None, {"observation": observations})))
        ok &= compare("onnx action", outputs["action"], actions, ACTION_TOLERANCE, discrete)
        if "value" in outputs and cases.get("values") is not None:
            ok &= compare("onnx value", outputs["value"].reshape(-1), cases["values"], VALUE_TOLERANCE, False)
    return ok


CASE = [""]


def main():
    ok = True
    for path in sys.argv[1:]:
        CASE[0] = path
        ok &= check(path)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
