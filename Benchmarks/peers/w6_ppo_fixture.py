"""Writes Tests/PolicyGradientTests/Fixtures/ppo_minibatch_steps.json: two PPO minibatch steps (W6's loss) in PyTorch.

Shared trunk 4 -> 5 -> 3 (tanh) with an actor-logit head (2 actions) and a value head, PyTorch default init from
manual_seed(0). Per minibatch of 8: advantages standardised with torch's .std() (Bessel-corrected) + 1e-8,
ratio = exp(log pi - old log pi), loss = -mean(min(r A, clamp(r, 0.8, 1.2) A)) + 0.5 mean((V - R)^2)
- 0.01 mean(entropy); gradient norm clipped at 0.5 (clip_grad_norm_); Adam lr 3e-4, eps 1e-5. Old log-probabilities
are the current ones shifted by up to +-0.4 so that some ratios fall outside the clip range. Records the losses, the
unclipped gradient of every parameter and its global norm, and every parameter after each step. Names are Rein's.
"""
import json, sys
import torch, torch.nn as nn
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
trunk = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3), nn.Tanh())
actor, critic = nn.Linear(3, 2), nn.Linear(3, 1)
names = {"policy.0": trunk[0], "policy.2": trunk[2], "action": actor, "value_head": critic}
params = [p for m in names.values() for p in m.parameters()]
def flat(t): return [round(float(v), 12) for v in t.detach().flatten()]
def snapshot():
    out = {}
    for n, layer in names.items():
        out[n + ".weight"] = flat(layer.weight); out[n + ".bias"] = flat(layer.bias)
    return out
def grads():
    out = {}
    for n, layer in names.items():
        out[n + ".weight"] = flat(layer.weight.grad); out[n + ".bias"] = flat(layer.bias.grad)
    return out
def forward(x):
    h = trunk(x)
    return torch.distributions.Categorical(logits=actor(h)), critic(h).squeeze(-1)
initial = snapshot()
opt = torch.optim.Adam(params, lr=3e-4, eps=1e-5)
g = torch.Generator().manual_seed(1)
steps = []
for _ in range(2):
    n = 8
    obs = ((torch.rand(n, 4, generator=g) - 0.5) * 4).round(decimals=3)
    actions = torch.randint(0, 2, (n,), generator=g)
    with torch.no_grad():
        d, _ = forward(obs)
        old = (d.log_prob(actions) + (torch.rand(n, generator=g) - 0.5) * 0.8).float().double()
    adv_raw = (torch.randn(n, generator=g) * 3 + 1).round(decimals=4)
    returns = (torch.randn(n, generator=g) * 5 + 10).round(decimals=4)
    d, v = forward(obs)
    a = (adv_raw - adv_raw.mean()) / (adv_raw.std() + 1e-8)
    ratio = torch.exp(d.log_prob(actions) - old)
    pg = -torch.min(ratio * a, torch.clamp(ratio, 0.8, 1.2) * a).mean()
    vl = ((v - returns) ** 2).mean()
    ent = -d.entropy().mean()
    loss = pg + 0.5 * vl + 0.01 * ent
    opt.zero_grad(); loss.backward()
    gr = grads()
    norm = nn.utils.clip_grad_norm_(params, 0.5)
    opt.step()
    steps.append({"observations": obs.flatten().tolist(), "actions": actions.tolist(), "old_log_probabilities": old.tolist(),
                  "advantages": adv_raw.tolist(), "returns": returns.tolist(),
                  "policy_loss": pg.item(), "value_loss": vl.item(), "entropy_loss": ent.item(), "loss": loss.item(),
                  "clip_fraction": float(((ratio - 1).abs() > 0.2).double().mean()),
                  "gradient_norm": float(norm), "gradients": gr, "parameters_after": snapshot()})
json.dump({"description": __doc__.strip(), "initial": initial, "steps": steps}, sys.stdout, indent=1)
