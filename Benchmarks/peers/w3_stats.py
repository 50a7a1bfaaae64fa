"""Summarise final mean-of-last-100 returns: per seed, median, quartiles, collapsed (<50), solved (>=475).
Also the best running mean of 100 episodes at any point (peak), when the per-episode returns are available."""
import json, os, sys
import numpy as np

def load(path):
    """seed -> (final mean of last 100, per-episode returns or None)"""
    if path.endswith(".json"):
        runs = json.load(open(path))["runs"]
        out = {}
        folder = os.path.dirname(path)
        for r in runs:
            rets = None
            p = os.path.join(folder, f"seed-{r['seed']}", "progress.jsonl")
            if os.path.exists(p):
                rets = [json.loads(l)["episode/return"] for l in open(p) if '"episode/return"' in l]
            out[r["seed"]] = (r["final_return_mean"], rets)
        return out
    out = {}
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            out[d["seed"]] = (d["final_mean100"], d.get("returns"))
    return out

def peak(rets):
    if not rets or len(rets) < 100: return None
    c = np.cumsum(np.concatenate([[0], rets]))
    return float(((c[100:] - c[:-100]) / 100).max())

samples = {}
for path in sys.argv[1:]:
    d = load(path)
    seeds = sorted(d)
    x = np.array([d[s][0] for s in seeds])
    samples[path] = x
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    peaks = [peak(d[s][1]) for s in seeds]
    ptxt = ""
    if all(p is not None for p in peaks):
        peaks = np.array(peaks)
        ptxt = f"  | peak running mean100 >=475 at some point: {int((peaks >= 475).sum())}, median peak {np.median(peaks):.1f}"
    print(f"{path}: n={len(x)} seeds {seeds[0]}-{seeds[-1]}  median {med:.1f}  Q1 {q1:.1f}  Q3 {q3:.1f}  mean {x.mean():.1f}  "
          f"collapsed(<50) {int((x < 50).sum())}  >=475 {int((x >= 475).sum())}  max {x.max():.1f}{ptxt}")
    if len(x) <= 40 or "-v" in os.environ.get("STATS", ""):
        print("   per seed: " + ", ".join(f"{s}:{d[s][0]:.1f}" for s in seeds))

def mann_whitney(a, b):
    """Two-sided Mann-Whitney U test, normal approximation with tie correction."""
    from math import erf, sqrt
    x = np.concatenate([a, b]); n1, n2 = len(a), len(b); n = n1 + n2
    order = x.argsort(kind="mergesort"); ranks = np.empty(n)
    sx = x[order]; i = 0
    while i < n:
        j = i
        while j + 1 < n and sx[j + 1] == sx[i]: j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    _, counts = np.unique(x, return_counts=True)
    var = n1 * n2 / 12 * ((n + 1) - (counts ** 3 - counts).sum() / (n * (n - 1)))
    z = (u - n1 * n2 / 2) / sqrt(var)
    return 2 * (1 - 0.5 * (1 + erf(abs(z) / sqrt(2))))

def fisher(k1, n1, k2, n2):
    """Two-sided Fisher exact test on k1/n1 vs k2/n2."""
    from math import comb
    K, N = k1 + k2, n1 + n2
    p = lambda k: comb(n1, k) * comb(n2, K - k) / comb(N, K)
    p0 = p(k1)
    return sum(p(k) for k in range(max(0, K - n2), min(K, n1) + 1) if p(k) <= p0 * (1 + 1e-9))

if len(samples) == 2:
    a, b = samples.values()
    print(f"Mann-Whitney U two-sided p = {mann_whitney(a, b):.3f}")
    print(f"Fisher exact on collapsed (<50): {int((a<50).sum())}/{len(a)} vs {int((b<50).sum())}/{len(b)}, p = "
          f"{fisher(int((a<50).sum()), len(a), int((b<50).sum()), len(b)):.3f}")
