"""Makes Tests/GymTests/Fixtures/normalization-*.json: what Gymnasium's NormalizeObservation / NormalizeReward (in
CleanRL's wrapper order) and Stable-Baselines3's VecNormalize return on a fixed sequence of observations, rewards
and episode ends, and the statistics they end with. Rein's VectorNormalization must reproduce them
(VectorNormalizationTests).

    python normalization_fixture.py gymnasium OUT.json      # with gymnasium==0.29.1 (CleanRL's pinned version)
    python normalization_fixture.py vecnormalize OUT.json   # with stable-baselines3 (2.x)

Every sub-environment replays a fixed script: a first observation, then per step (observation, reward,
terminated, truncated); after an episode end the next observation of the script is the reset one. The vector
environment steps in same-step autoreset mode, as Rein's does for training (the wrappers see the same calls in
either mode). Observations are float64 (as MuJoCo's); numbers are written with repr, so they round-trip exactly.
"""

import json
import sys

import numpy as np

GAMMA = 0.99
CLIP = 10.0
EPSILON = 1e-8


def script(n_envs, steps, dimension, seed):
    """Per environment: reset observations (first, then one per episode end) and the steps."""
    rng = np.random.default_rng(seed)
    scales = np.array([10.0 ** (k % 5 - 2) for k in range(dimension)])
    offsets = np.array([3.0 * (k - 1) for k in range(dimension)])
    envs = []
    for i in range(n_envs):
        resets = [list(offsets + scales * rng.normal(size=dimension))]
        steps_ = []
        for t in range(steps):
            observation = offsets + scales * rng.normal(size=dimension) + 0.01 * t
            reward = float(rng.normal(1.0, 3.0))
            end = rng.random()
            terminated = bool(end < 0.06)
            truncated = bool(0.06 <= end < 0.12)
            if t == steps - 4 - i:  # late (so the statistics hold many samples): far enough out for the clips
                reward = 5000.0
                observation[0] += 1e4 * scales[0]
            steps_.append([list(observation), reward, terminated, truncated])
            if terminated or truncated:
                resets.append(list(offsets + scales * rng.normal(size=dimension)))
        envs.append({"resets": resets, "steps": steps_})
    return envs


def gymnasium_case(name, n_envs, steps, dimension, seed):
    import gymnasium as gym
    from gymnasium import spaces

    assert gym.__version__ == "0.29.1", f"use Gymnasium 0.29.1 (CleanRL's pin), not {gym.__version__}"

    class Replay(gym.Env):
        def __init__(self, plan):
            self.plan = plan
            d = len(plan["resets"][0])
            self.observation_space = spaces.Box(-np.inf, np.inf, (d,), np.float64)
            self.action_space = spaces.Box(-1.0, 1.0, (1,), np.float64)
            self.resets = 0
            self.t = 0

        def reset(self, seed=None, options=None):
            observation = np.array(self.plan["resets"][self.resets])
            self.resets += 1
            return observation, {}

        def step(self, action):
            observation, reward, terminated, truncated = self.plan["steps"][self.t]
            self.t += 1
            return np.array(observation), reward, terminated, truncated, {}

    plans = script(n_envs, steps, dimension, seed)
    envs = []
    for plan in plans:
        env = Replay(plan)
        env = gym.wrappers.ClipAction(env)
        env = gym.wrappers.NormalizeObservation(env)
        env = gym.wrappers.TransformObservation(env, lambda obs: np.clip(obs, -CLIP, CLIP))
        env = gym.wrappers.NormalizeReward(env, gamma=GAMMA)
        env = gym.wrappers.TransformReward(env, lambda reward: np.clip(reward, -CLIP, CLIP))
        envs.append(env)
    first = [np.float32(env.reset()[0]).tolist() for env in envs]
    outputs = []
    for t in range(steps):
        row = {"observations": [], "rewards": [], "final_observations": {}}
        for i, env in enumerate(envs):
            observation, reward, terminated, truncated, _ = env.step(np.zeros(1))
            if terminated or truncated:
                row["final_observations"][str(i)] = np.float32(observation).tolist()
                observation, _ = env.reset()
            row["observations"].append(np.float32(observation).tolist())
            row["rewards"].append(float(reward))
        outputs.append(row)

    def find(env, kind):
        while not isinstance(env, kind):
            env = env.env
        return env

    statistics = []
    for env in envs:
        o = find(env, gym.wrappers.NormalizeObservation).obs_rms
        r = find(env, gym.wrappers.NormalizeReward)
        statistics.append(
            {
                "obs_mean": o.mean.tolist(),
                "obs_var": o.var.tolist(),
                "obs_count": float(o.count),
                "ret_mean": float(r.return_rms.mean),
                "ret_var": float(r.return_rms.var),
                "ret_count": float(r.return_rms.count),
                "returns": [float(r.returns[0])],
            }
        )
    return {
        "name": name, "style": "gymnasium", "gamma": GAMMA, "clip": CLIP, "epsilon": EPSILON,
        "made_with": f"gymnasium {gym.__version__}, numpy {np.__version__}",
        "script": plans, "first_observations": first, "outputs": outputs, "statistics": statistics,
    }


def vecnormalize_case(name, n_envs, steps, dimension, seed):
    import stable_baselines3
    from gymnasium import spaces
    from stable_baselines3.common.vec_env import VecEnv, VecNormalize

    plans = script(n_envs, steps, dimension, seed)

    class Replay(VecEnv):
        def __init__(self):
            d = len(plans[0]["resets"][0])
            super().__init__(
                n_envs, spaces.Box(-np.inf, np.inf, (d,), np.float64), spaces.Box(-1.0, 1.0, (1,), np.float64)
            )
            self.t = 0
            self.resets = [1] * n_envs

        def reset(self):
            return np.array([plan["resets"][0] for plan in plans])

        def step_async(self, actions):
            pass

        def step_wait(self):
            observations, rewards, dones, infos = [], [], [], []
            for i, plan in enumerate(plans):
                observation, reward, terminated, truncated = plan["steps"][self.t]
                info = {}
                if terminated or truncated:
                    info["terminal_observation"] = np.array(observation)
                    info["TimeLimit.truncated"] = truncated and not terminated
                    observation = plan["resets"][self.resets[i]]
                    self.resets[i] += 1
                observations.append(observation)
                rewards.append(reward)
                dones.append(terminated or truncated)
                infos.append(info)
            self.t += 1
            return np.array(observations), np.array(rewards), np.array(dones), infos

        def close(self):
            pass

        def get_attr(self, attr_name, indices=None):
            return [None] * n_envs

        def set_attr(self, attr_name, value, indices=None):
            pass

        def env_method(self, method_name, *args, indices=None, **kwargs):
            return [None] * n_envs

        def env_is_wrapped(self, wrapper_class, indices=None):
            return [False] * n_envs

    env = VecNormalize(Replay(), gamma=GAMMA, clip_obs=CLIP, clip_reward=CLIP, epsilon=EPSILON)
    first = env.reset().tolist()
    outputs = []
    for t in range(steps):
        env.step_async(np.zeros((n_envs, 1)))
        observations, rewards, dones, infos = env.step_wait()
        finals = {str(i): infos[i]["terminal_observation"].tolist() for i in range(n_envs) if dones[i]}
        outputs.append(
            {"observations": observations.tolist(), "rewards": [float(r) for r in rewards], "final_observations": finals}
        )
    statistics = [
        {
            "obs_mean": env.obs_rms.mean.tolist(),
            "obs_var": env.obs_rms.var.tolist(),
            "obs_count": float(env.obs_rms.count),
            "ret_mean": float(env.ret_rms.mean),
            "ret_var": float(env.ret_rms.var),
            "ret_count": float(env.ret_rms.count),
            "returns": [float(x) for x in env.returns],
        }
    ]
    return {
        "name": name, "style": "vecnormalize", "gamma": GAMMA, "clip": CLIP, "epsilon": EPSILON,
        "made_with": f"stable-baselines3 {stable_baselines3.__version__}, numpy {np.__version__}",
        "script": plans, "first_observations": first, "outputs": outputs, "statistics": statistics,
    }


def main():
    style, out = sys.argv[1], sys.argv[2]
    if style == "gymnasium":
        cases = [gymnasium_case("two environments", 2, 150, 4, 7)]
    else:
        # 9 environments: numpy sums the batch of returns pairwise (8 partial sums) from 8 values on.
        cases = [vecnormalize_case("three environments", 3, 60, 4, 11), vecnormalize_case("nine environments", 9, 30, 3, 13)]
    with open(out, "w") as f:
        json.dump({"cases": cases}, f)
    print(f"wrote {out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
