"""Peer for rein-bench's `networks.*` benchmarks: the same work in PyTorch (one thread).

Usage: python torch_networks.py   (with the peer stack of ../shared/peers/setup.sh)
Prints one JSON line per benchmark with the median and best microseconds per call over 7 repetitions (the best is
the steadier figure on a shared machine).
"""
import json, time

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)


def mlp(sizes, out):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.Tanh()]
    if out:
        layers.append(nn.Linear(sizes[-1], out))
    return nn.Sequential(*layers)


def measure(name, fn, iterations):
    fn(max(1, iterations // 10))
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        fn(iterations)
        times.append((time.perf_counter() - t0) / iterations)
    times.sort()
    record = {"peer": "pytorch", "benchmark": name, "median_us_per_call": round(times[3] * 1e6, 3),
              "best_us_per_call": round(times[0] * 1e6, 3)}
    print(json.dumps(record), flush=True)


trunk, mean, std = mlp([4, 16, 32], None), nn.Linear(32, 1), nn.Linear(32, 1)
obs = torch.tensor([0.01, -0.02, 0.03, 0.04])


def w1(n):
    with torch.no_grad():
        for _ in range(n):
            h = trunk(obs)
            m, s = mean(h), nn.functional.softplus(std(h))
            float(m) + float(s)


actor, critic = mlp([4, 64, 64], 2), mlp([4, 64, 64], 1)
params = list(actor.parameters()) + list(critic.parameters())
opt = torch.optim.Adam(params, lr=3e-4, eps=1e-5)
x = torch.rand(64, 4) * 2 - 1
acts = torch.randint(0, 2, (64,))
old = torch.full((64,), -0.69)
adv, ret = torch.randn(64), torch.randn(64)


def ppo(n):
    for _ in range(n):
        dist = torch.distributions.Categorical(logits=actor(x))
        logp = dist.log_prob(acts)
        ratio = torch.exp(logp - old)
        surrogate = torch.min(ratio * adv, torch.clamp(ratio, 0.8, 1.2) * adv)
        loss = -surrogate.mean() + 0.5 * ((critic(x).flatten() - ret) ** 2).mean() - 0.01 * dist.entropy().mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(params, 0.5)
        opt.step()


big = torch.rand(2048, 4)


def forward(n):
    with torch.no_grad():
        for _ in range(n):
            float(actor(big)[0, 0]) + float(critic(big)[0, 0])


measure("networks.w1-policy-forward", w1, 20000)
measure("networks.ppo-minibatch-update", ppo, 500)
measure("networks.actor-critic-forward-2048", forward, 300)
