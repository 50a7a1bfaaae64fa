"""W6 recipe in PyTorch: PPO with clipping and GAE on CartPole-v1 (one environment).

Shared trunk 4-64-64 tanh with actor-logit and critic heads (PyTorch default nn.Linear init), Adam lr 3e-4 (eps 1e-5,
as SB3 and Rein), rollouts of 2048 steps, GAE gamma 0.99 lambda 0.95, advantages normalised per minibatch with
torch's unbiased std + 1e-8, 10 epochs of shuffled minibatches of 64, clip 0.2,
loss = clipped surrogate + 0.5 value MSE - 0.01 entropy, gradient norm clipped at 0.5, 100 iterations (204,800 steps).
A truncated episode (500 steps) bootstraps from the value of its final observation, as SB3 and Rein do; a terminated
one from 0. Single thread. Prints one JSON line per seed: mean of the last 100 training episodes (stochastic policy),
the mean per 20-iteration block, and the deterministic (argmax) evaluation over 10 episodes.
"""
import argparse, json, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import gymnasium as gym

p = argparse.ArgumentParser()
p.add_argument("--seeds", default="1")
p.add_argument("--iterations", type=int, default=100)
p.add_argument("--n-steps", type=int, default=2048)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--lr", type=float, default=3e-4)
p.add_argument("--adam-eps", type=float, default=1e-5)
p.add_argument("--ddof", type=int, default=1, help="std of the advantage normalisation: 1 = torch .std() default")
args = p.parse_args()
torch.set_num_threads(1)
GAMMA, LAMBDA, CLIP, VF, ENT, MAX_NORM = 0.99, 0.95, 0.2, 0.5, 0.01, 0.5


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh())
        self.actor = nn.Linear(64, 2)
        self.critic = nn.Linear(64, 1)

    def forward(self, x):
        h = self.trunk(x)
        return torch.distributions.Categorical(logits=self.actor(h)), self.critic(h).squeeze(-1)


def run(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    env = gym.make("CartPole-v1")
    net = Policy()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, eps=args.adam_eps)
    obs, _ = env.reset(seed=seed)
    returns, ep_ret, block_means = [], 0.0, []
    N = args.n_steps
    t0 = time.time()
    for it in range(args.iterations):
        b_obs = np.zeros((N, 4), np.float32)
        b_act = np.zeros(N, np.int64)
        b_logp = np.zeros(N, np.float32)
        b_val = np.zeros(N, np.float64)
        b_next = np.zeros(N, np.float64)
        b_rew = np.zeros(N, np.float64)
        b_term = np.zeros(N, bool)
        b_trunc = np.zeros(N, bool)
        with torch.no_grad():
            for t in range(N):
                d, v = net(torch.as_tensor(obs, dtype=torch.float32).unsqueeze(0))
                a = d.sample()
                b_obs[t], b_act[t], b_logp[t], b_val[t] = obs, a.item(), d.log_prob(a).item(), v.item()
                obs2, r, term, trunc, _ = env.step(a.item())
                b_rew[t], b_term[t], b_trunc[t] = r, term, trunc
                ep_ret += r
                if term:
                    b_next[t] = 0.0
                elif trunc:  # bootstrap from the final observation's value
                    b_next[t] = net(torch.as_tensor(obs2, dtype=torch.float32).unsqueeze(0))[1].item()
                if term or trunc:
                    returns.append(ep_ret)
                    ep_ret = 0.0
                    obs2, _ = env.reset()
                obs = obs2
            last_v = net(torch.as_tensor(obs, dtype=torch.float32).unsqueeze(0))[1].item()
        for t in range(N):
            if not (b_term[t] or b_trunc[t]):
                b_next[t] = b_val[t + 1] if t + 1 < N else last_v
        # GAE
        adv = np.zeros(N)
        nxt = 0.0
        for t in reversed(range(N)):
            delta = b_rew[t] + GAMMA * (0.0 if b_term[t] else b_next[t]) - b_val[t]
            nxt = delta + (0.0 if (b_term[t] or b_trunc[t]) else GAMMA * LAMBDA * nxt)
            adv[t] = nxt
        ret = adv + b_val
        T_obs = torch.as_tensor(b_obs)
        T_act = torch.as_tensor(b_act)
        T_logp = torch.as_tensor(b_logp)
        T_adv = torch.as_tensor(adv, dtype=torch.float32)
        T_ret = torch.as_tensor(ret, dtype=torch.float32)
        for _ in range(args.epochs):
            perm = torch.randperm(N)
            for s in range(0, N, args.batch):
                idx = perm[s:s + args.batch]
                d, v = net(T_obs[idx])
                logp = d.log_prob(T_act[idx])
                a = T_adv[idx]
                a = (a - a.mean()) / (a.std(correction=args.ddof) + 1e-8)
                ratio = torch.exp(logp - T_logp[idx])
                pg = -torch.min(ratio * a, torch.clamp(ratio, 1 - CLIP, 1 + CLIP) * a).mean()
                vl = F.mse_loss(v, T_ret[idx])
                ent = -d.entropy().mean()
                loss = pg + VF * vl + ENT * ent
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(net.parameters(), MAX_NORM)
                opt.step()
        if (it + 1) % 20 == 0:
            block_means.append(round(float(np.mean(returns[-100:])), 1))
    train_mean = float(np.mean(returns[-100:]))
    # Deterministic evaluation: 10 episodes, argmax action, fresh environment seeded once.
    eenv = gym.make("CartPole-v1")
    evals = []
    for e in range(10):
        o, _ = eenv.reset(seed=seed + 10_000 if e == 0 else None)
        done, total = False, 0.0
        while not done:
            with torch.no_grad():
                d, _ = net(torch.as_tensor(o, dtype=torch.float32).unsqueeze(0))
            o, r, term, trunc, _ = eenv.step(int(d.probs.argmax().item()))
            total += r
            done = term or trunc
        evals.append(total)
    print(json.dumps({"seed": seed, "train_mean_last100": round(train_mean, 1), "episodes": len(returns),
                      "block_means_every20it": block_means, "eval_mean": float(np.mean(evals)),
                      "eval_std": float(np.std(evals)), "seconds": round(time.time() - t0, 1)}), flush=True)


for s in [int(x) for x in args.seeds.split(",")]:
    run(s)
