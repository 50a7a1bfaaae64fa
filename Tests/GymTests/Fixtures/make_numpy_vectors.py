"""Writes numpy_generator.json: reference draws from numpy's Generator(PCG64(SeedSequence(seed))).

Run with numpy 2.x: python3 make_numpy_vectors.py > numpy_generator.json
Doubles are stored as their IEEE-754 bit patterns (hex) so the comparison is exact.
"""
import json, struct, sys
import numpy as np

def bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]

def gen(seed):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))

def state_of(g):
    s = g.bit_generator.state
    return {"state": "%032x" % s["state"]["state"], "inc": "%032x" % s["state"]["inc"],
            "has_uint32": bool(s["has_uint32"]), "uinteger": int(s["uinteger"])}

out = {"numpy": np.__version__, "seeds": []}
for seed in [0, 1, 42, 7, 123456789, 2**32 - 1, 2**32, 2**32 + 5, 2**63 + 11, 2**64 - 1]:
    entry = {"seed": str(seed)}
    g = gen(seed)
    entry["initial_state"] = state_of(g)
    entry["uint64"] = ["%016x" % v for v in g.bit_generator.random_raw(6)]
    g = gen(seed)
    entry["random"] = [bits(v) for v in g.random(6)]
    # An interleaved script of calls: each op and the result (ints as decimal strings, doubles as bits).
    g = gen(seed)
    ops = []
    script = [("uint32",), ("integers", 0, 2), ("random",), ("integers", 0, 10), ("uint32",), ("uint32",),
              ("integers", -5, 5), ("uniform", -0.05, 0.05), ("integers", 0, 2**32), ("integers", 0, 2**32 + 1),
              ("integers", 0, 2**40), ("integers", -2**62, 2**62), ("integers", 3, 4), ("normal", 0.5, 2.0),
              ("integers", 0, 3), ("integers", 0, 1000003), ("uint32",), ("uniform", -0.6, -0.4),
              ("integers", 0, 2**31 + 7), ("standard_normal",), ("integers", -2**63, 2**63 - 1), ("uint32",),
              ("integers", 0, 6), ("random",)] * 3
    for op in script:
        if op[0] == "uint32":
            v = int(g.integers(0, 2**32, dtype=np.uint32)); ops.append({"op": "uint32", "value": str(v)})
        elif op[0] == "integers":
            v = int(g.integers(op[1], op[2])); ops.append({"op": "integers", "low": str(op[1]), "high": str(op[2]), "value": str(v)})
        elif op[0] == "random":
            ops.append({"op": "random", "value": bits(g.random())})
        elif op[0] == "uniform":
            ops.append({"op": "uniform", "low": op[1], "high": op[2], "value": bits(g.uniform(op[1], op[2]))})
        elif op[0] == "normal":
            ops.append({"op": "normal", "low": op[1], "high": op[2], "value": bits(g.normal(op[1], op[2]))})
        elif op[0] == "standard_normal":
            ops.append({"op": "standard_normal", "value": bits(g.standard_normal())})
    entry["script"] = ops
    entry["state_after_script"] = state_of(g)
    g = gen(seed)
    entry["uniform_vector"] = [bits(v) for v in g.uniform(np.array([-1.0, -np.pi, 0.0]), np.array([1.0, np.pi, 8.0]))]
    entry["uniform_size"] = [bits(v) for v in g.uniform(-0.1, 0.1, size=(4,))]
    g = gen(seed)
    entry["normals_first"] = [bits(v) for v in g.standard_normal(64)]
    # Many draws, to go through the wedges and the tail: a rolling hash of the bit patterns, plus every
    # draw beyond |x| > 3.5 with its index (the tail starts at r = 3.654).
    g = gen(seed)
    n = 200_000
    draws = g.standard_normal(n)
    h = 0xcbf29ce484222325
    for v in draws:
        h = ((h ^ struct.unpack("<Q", struct.pack("<d", float(v)))[0]) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    entry["normals_count"] = n
    entry["normals_hash"] = "%016x" % h
    entry["normals_extreme"] = [[int(i), bits(draws[i])] for i in np.nonzero(np.abs(draws) > 3.5)[0]]
    entry["state_after_normals"] = state_of(g)
    out["seeds"].append(entry)

json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
