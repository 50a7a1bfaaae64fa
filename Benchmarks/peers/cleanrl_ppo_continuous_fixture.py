"""Writes Tests/PolicyGradientTests/Fixtures/ppo_continuous_cleanrl_steps.json: four minibatch steps of CleanRL's
continuous PPO update (cleanrl/ppo_continuous_action.py, its loss and optimiser written out again here) in PyTorch.

Run with the peer stack (../shared/peers/setup.sh), never by the build:
    python Benchmarks/peers/cleanrl_ppo_continuous_fixture.py > Tests/PolicyGradientTests/Fixtures/ppo_continuous_cleanrl_steps.json

CleanRL's Agent for a 5-dimensional observation and a 2-dimensional action: separate actor and critic, 64-64 tanh,
orthogonal initialisation (gain sqrt 2 for hidden layers, 0.01 for the mean layer, 1 for the value layer, zero
biases) from manual_seed(0), and a state-independent log-std parameter, set to (-0.5, 0.25) so that it is not zero.
Double precision. A batch of 32: observations N(0, 1.5^2), actions drawn from the initial policy, old
log-probabilities the initial ones shifted by up to +-0.4 (ratios fall outside the clip range), old values the
initial critic's shifted by up to +-0.5 (value clipping at 0.2 binds either way), raw advantages N(1, 3^2),
returns = advantages + old values (as CleanRL forms them). Every input is rounded to float32 so Rein reads the same
numbers. Two epochs of two minibatches of 16 (a fixed permutation per epoch), each step exactly CleanRL's:
log-probability and entropy summed over the action dimensions; advantages standardised per minibatch with
torch's .std() (Bessel) + 1e-8; pg_loss = mean(max(-A r, -A clamp(r, 0.8, 1.2))); v_loss = 0.5 mean(max((V - R)^2,
(V_old + clamp(V - V_old, -0.2, 0.2) - R)^2)); loss = pg_loss - ent_coef entropy + vf_coef v_loss with
ent_coef 0.01 (CleanRL's default for MuJoCo is 0; 0.01 makes the entropy's gradient count) and vf_coef 0.5;
clip_grad_norm_(all parameters, 0.5); Adam(lr 3e-4, eps 1e-5). Records the loss terms, approx_kl (and
old_approx_kl), clipfrac, the unclipped gradient of every parameter, the global norm clip_grad_norm_ returned and
every parameter after the step. Parameter names are Rein's (policy.*, value.*, action, value_head, log_std).
"""
import json, sys
import numpy as np
import torch, torch.nn as nn
from torch.distributions.normal import Normal

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
OBS, ACT, N, MB = 5, 2, 32, 16
CLIP, ENT, VF, MAX_NORM = 0.2, 0.01, 0.5, 0.5


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


critic = nn.Sequential(layer_init(nn.Linear(OBS, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(),
                       layer_init(nn.Linear(64, 1), std=1.0))
actor_mean = nn.Sequential(layer_init(nn.Linear(OBS, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(),
                           layer_init(nn.Linear(64, ACT), std=0.01))
actor_logstd = nn.Parameter(torch.tensor([[-0.5, 0.25]]))
layers = {"policy.0": actor_mean[0], "policy.2": actor_mean[2], "value.0": critic[0], "value.2": critic[2],
          "action": actor_mean[4], "value_head": critic[4]}
params = list(actor_mean.parameters()) + list(critic.parameters()) + [actor_logstd]


def flat(t):
    return [float("%.12g" % float(v)) for v in t.detach().flatten()]


def snapshot(grad=False):
    out = {}
    for name, layer in layers.items():
        out[name + ".weight"] = flat(layer.weight.grad if grad else layer.weight)
        out[name + ".bias"] = flat(layer.bias.grad if grad else layer.bias)
    out["log_std"] = flat(actor_logstd.grad if grad else actor_logstd)
    return out


def get_action_and_value(x, action=None):
    mean = actor_mean(x)
    probs = Normal(mean, torch.exp(actor_logstd.expand_as(mean)))
    if action is None:
        action = probs.sample()
    return action, probs.log_prob(action).sum(1), probs.entropy().sum(1), critic(x)


def f32(t):
    return t.float().double()


g = torch.Generator().manual_seed(1)
b_obs = f32((torch.randn(N, OBS, generator=g) * 1.5).round(decimals=4))
with torch.no_grad():
    mean = actor_mean(b_obs)
    b_actions = f32((mean + torch.exp(actor_logstd) * torch.randn(N, ACT, generator=g)).round(decimals=4))
    _, logprob, _, value = get_action_and_value(b_obs, b_actions)
    b_logprobs = f32(logprob + (torch.rand(N, generator=g) - 0.5) * 0.8)
    b_values = f32(value.flatten() + (torch.rand(N, generator=g) - 0.5) * 1.0)
b_advantages = f32((torch.randn(N, generator=g) * 3 + 1).round(decimals=4))
b_returns = f32(b_advantages + b_values)

initial = snapshot()
optimizer = torch.optim.Adam(params, lr=3e-4, eps=1e-5)
steps = []
for epoch in range(2):
    b_inds = torch.randperm(N, generator=g)
    for start in range(0, N, MB):
        mb_inds = b_inds[start:start + MB]
        _, newlogprob, entropy, newvalue = get_action_and_value(b_obs[mb_inds], b_actions[mb_inds])
        logratio = newlogprob - b_logprobs[mb_inds]
        ratio = logratio.exp()
        with torch.no_grad():
            old_approx_kl = (-logratio).mean()
            approx_kl = ((ratio - 1) - logratio).mean()
            clipfrac = ((ratio - 1.0).abs() > CLIP).double().mean().item()
        mb_advantages = b_advantages[mb_inds]
        mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
        pg_loss1 = -mb_advantages * ratio
        pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - CLIP, 1 + CLIP)
        pg_loss = torch.max(pg_loss1, pg_loss2).mean()
        newvalue = newvalue.view(-1)
        v_loss_unclipped = (newvalue - b_returns[mb_inds]) ** 2
        v_clipped = b_values[mb_inds] + torch.clamp(newvalue - b_values[mb_inds], -CLIP, CLIP)
        v_loss_clipped = (v_clipped - b_returns[mb_inds]) ** 2
        value_clipped_count = int((v_loss_clipped > v_loss_unclipped).sum())
        v_loss = 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()
        entropy_loss = entropy.mean()
        loss = pg_loss - ENT * entropy_loss + v_loss * VF
        optimizer.zero_grad()
        loss.backward()
        gradients = snapshot(grad=True)
        norm = nn.utils.clip_grad_norm_(params, MAX_NORM)
        optimizer.step()
        steps.append({
            "observations": flat(b_obs[mb_inds]), "actions": flat(b_actions[mb_inds]),
            "old_log_probabilities": flat(b_logprobs[mb_inds]), "advantages": flat(b_advantages[mb_inds]),
            "returns": flat(b_returns[mb_inds]), "old_values": flat(b_values[mb_inds]),
            "pg_loss": pg_loss.item(), "v_loss": v_loss.item(), "entropy": entropy_loss.item(), "loss": loss.item(),
            "approx_kl": approx_kl.item(), "old_approx_kl": old_approx_kl.item(), "clipfrac": clipfrac,
            "value_clipped_count": value_clipped_count, "gradient_norm": float(norm), "gradients": gradients,
            "parameters_after": snapshot()})
json.dump({"description": " ".join(__doc__.split()), "observation_count": OBS, "action_count": ACT,
           "clip_coef": CLIP, "ent_coef": ENT, "vf_coef": VF, "max_grad_norm": MAX_NORM, "initial": initial,
           "steps": steps}, sys.stdout)
