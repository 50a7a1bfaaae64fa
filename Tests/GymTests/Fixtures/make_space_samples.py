import numpy as np, json
from gymnasium import spaces
cases = [
  ("discrete3", spaces.Discrete(3)),
  ("discrete5start", spaces.Discrete(5, start=-2)),
  ("boxTorque", spaces.Box(-2.0, 2.0, (1,), np.float32)),
  ("boxUnbounded", spaces.Box(-np.inf, np.inf, (3,), np.float64)),
  ("boxMixed64", spaces.Box(np.array([-1.0, -2.0, 0.0]), np.array([1.0, 2.0, 10.0]), dtype=np.float64)),
  ("multiDiscrete", spaces.MultiDiscrete([3, 4, 5])),
  ("multiBinary", spaces.MultiBinary(7)),
]
out = {}
for name, sp in cases:
    rows = []
    for seed in (0, 1, 42):
        sp.seed(seed)
        rows.append([np.asarray(sp.sample(), dtype=np.float64).reshape(-1).tolist() for _ in range(4)])
    out[name] = rows
print(json.dumps(out))

# Masked Discrete samples (MaskedSampleTests):
# import numpy as np, json
# from gymnasium import spaces
# sp = spaces.Discrete(6, start=2)
# out = []
# for seed in (0, 1, 42):
#     sp.seed(seed)
#     masks = [np.array([1,0,1,0,1,1], np.int8), np.array([0,0,0,1,0,0], np.int8), np.array([0,0,0,0,0,0], np.int8), np.array([1,1,1,1,1,1], np.int8)]
#     out.append([int(sp.sample(mask=m)) for m in masks for _ in range(3)])
# print(json.dumps(out))
