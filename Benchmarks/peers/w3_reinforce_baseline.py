"""W3 recipe in PyTorch: REINFORCE with a learned value baseline on CartPole-v1.

Policy 4-128-128-2 ReLU softmax, value 4-128-128-1 ReLU, separate Adam (lr 0.01 each, PyTorch defaults otherwise),
gamma 0.99, returns standardised within the episode when it has more than one step, advantage = G_hat - V(s) with V
detached, policy loss = sum -log pi * A, value loss = sum (V - G_hat)^2, one update per episode, 500 episodes.
Prints one JSON line per seed: the final mean of the last 100 returns and the mean per 100-episode block.
"""
import argparse, json, sys, time
import numpy as np
import torch
import torch.nn as nn
import gymnasium as gym

p = argparse.ArgumentParser()
p.add_argument("--seeds", default="1")
p.add_argument("--episodes", type=int, default=500)
p.add_argument("--lr", type=float, default=0.01)
p.add_argument("--value-lr", type=float, default=0.01)
p.add_argument("--hidden", default="128,128")
p.add_argument("--ddof", type=int, default=1, help="std of the standardisation: 1 = torch .std() default, 0 = population")
p.add_argument("--value-loss", choices=["sum", "mean"], default="sum")
p.add_argument("--policy-loss", choices=["sum", "mean"], default="sum")
p.add_argument("--value-target", choices=["standardised", "raw"], default="standardised")
p.add_argument("--dist", choices=["logits", "probs"], default="logits", help="Categorical from logits (log-softmax) or from softmax probs")
p.add_argument("--order", choices=["together", "value-first"], default="together",
               help="together: V(s) for the advantage and the value loss come from one forward pass before either step; "
                    "value-first: the value net is stepped first and the advantage uses the updated V")
args = p.parse_args()
torch.set_num_threads(1)
hidden = [int(h) for h in args.hidden.split(",")]

def mlp(n_in, n_out):
    layers, w = [], n_in
    for h in hidden:
        layers += [nn.Linear(w, h), nn.ReLU()]
        w = h
    layers.append(nn.Linear(w, n_out))
    return nn.Sequential(*layers)

def dist(policy, x):
    logits = policy(x)
    if args.dist == "probs":
        return torch.distributions.Categorical(probs=torch.softmax(logits, dim=-1))
    return torch.distributions.Categorical(logits=logits)

for seed in [int(s) for s in args.seeds.split(",")]:
    torch.manual_seed(seed)
    np.random.seed(seed)
    env = gym.make("CartPole-v1")
    policy, value = mlp(4, 2), mlp(4, 1)
    popt = torch.optim.Adam(policy.parameters(), lr=args.lr)
    vopt = torch.optim.Adam(value.parameters(), lr=args.value_lr)
    episode_returns = []
    start = time.time()
    for episode in range(args.episodes):
        obs, _ = env.reset(seed=seed if episode == 0 else None)
        states, actions, rewards = [], [], []
        done = False
        while not done:
            x = torch.as_tensor(obs, dtype=torch.float32)
            with torch.no_grad():
                a = dist(policy, x).sample().item()
            states.append(obs); actions.append(a)
            obs, r, term, trunc, _ = env.step(a)
            rewards.append(r)
            done = term or trunc
        episode_returns.append(sum(rewards))
        G, g = [], 0.0
        for r in reversed(rewards):
            g = r + 0.99 * g
            G.insert(0, g)
        G = torch.tensor(G, dtype=torch.float32)
        raw = G.clone()
        if len(G) > 1:
            G = (G - G.mean()) / (G.std(correction=args.ddof) + 1e-9)
        S = torch.as_tensor(np.array(states), dtype=torch.float32)
        A = torch.as_tensor(actions)
        target = G if args.value_target == "standardised" else raw
        red_v = (lambda t: t.sum()) if args.value_loss == "sum" else (lambda t: t.mean())
        red_p = (lambda t: t.sum()) if args.policy_loss == "sum" else (lambda t: t.mean())
        if args.order == "together":
            V = value(S).squeeze(-1)
            adv = G - V.detach()
            vloss = red_v((V - target) ** 2)
        else:
            V = value(S).squeeze(-1)
            vloss = red_v((V - target) ** 2)
            vopt.zero_grad(); vloss.backward(); vopt.step()
            with torch.no_grad():
                adv = G - value(S).squeeze(-1)
        ploss = red_p(-dist(policy, S).log_prob(A) * adv)
        popt.zero_grad(); ploss.backward(); popt.step()
        if args.order == "together":
            vopt.zero_grad(); vloss.backward(); vopt.step()
    rets = np.array(episode_returns)
    blocks = [float(rets[i:i + 100].mean()) for i in range(0, len(rets), 100)]
    print(json.dumps({"seed": seed, "final_mean100": float(rets[-100:].mean()), "blocks": blocks, "returns": [int(r) for r in rets],
                      "seconds": round(time.time() - start, 1), "config": vars(args)}), flush=True)
