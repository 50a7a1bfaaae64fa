import PolicyGradient

// MARK: - The settings table
//
// Every key a preset or `--set` may use, declared once: key, group, help, the range its numbers must lie in, and
// where it goes (a key path into the plan, into an algorithm's configuration, or into every algorithm's policy).
// The type and the default come from that key path's field. `rein keys`, the README's list, the reader
// (``ExperimentPlan/init(_:defaultName:algorithms:)``), its range checks and its "did you mean" are made from here.
// Names follow Stable-Baselines3 where it has one (`n_steps`, `ent_coef`, ...), so its users recognise them.
//
// To add a setting: give the typed configuration its field (with its default and doc comment), then add its row.

/// Every setting.
public enum SettingsTable {
  typealias R = REINFORCEConfiguration
  typealias AC = ActorCriticConfiguration
  typealias A2 = A2CConfiguration
  typealias P = PPOConfiguration

  /// Budgets beyond this cannot be counted safely with rollouts added on (``TrainingBudget/maximum``).
  public static let maximumBudget = Double(TrainingBudget.maximum)

  public static let rows: [Setting] = [
    // Experiment
    Setting(
      "name", .experiment, "the experiment's name (run folder and plot title)", shownDefault: "the preset's file name",
      .plan(\.name)
    ),
    Setting("algorithm", .experiment, "the algorithm: `rein keys` lists them", required: true),
    Setting("env", .experiment, "environment id, as `rein envs` lists them", required: true, .plan(\.environmentID)),
    Setting("env_kwargs.*", .experiment, "keyword arguments of the environment, e.g. env_kwargs.continuous: true"),
    Setting(
      "seeds", .experiment, "seeds, each trained separately into the same run folder; no repeats", in: .atLeast(0),
      .plan(\.seeds)
    ),
    Setting(
      "grid", .experiment,
      "a sweep: a list of 'key=v1,v2,...' entries, as --grid; every combination runs for every seed"
    ),
    // Budget
    Setting("steps", .budget, "environment steps per seed", in: .from(1, to: maximumBudget), .plan(\.budget.steps)),
    Setting(
      "episodes", .budget, "episodes per seed (every algorithm stops after this many)",
      in: .from(1, to: maximumBudget), .plan(\.budget.episodes)
    ),
    Setting(
      "stop_at_mean_return", .budget, "stop a seed once the mean return of the last mean_window episodes reaches this",
      .plan(\.budget.stopAtMeanReturn)
    ),
    Setting("mean_window", .budget, "episodes in the running mean", in: .from(1, to: 1e9), .plan(\.budget.meanWindow)),
    // Environments
    Setting(
      "n_envs", .environments, "environments per seed (vectorised algorithms)", in: .from(1, to: 1e6),
      .plan(\.environmentCount)
    ),
    Setting(
      "parallel_envs", .environments, "step a seed's environments on several threads", .plan(\.parallelEnvironments)
    ),
    Setting(
      "parallel_seeds", .environments, "seeds trained at once", in: .from(1, to: 1e6),
      shownDefault: "the number of cores", .plan(\.parallelSeeds)
    ),
    Setting(
      "normalize_observation", .environments,
      "normalise observations by their running mean and variance while training (frozen for evaluation)",
      .on(\A2.normalization.observation), .on(\P.normalization.observation)
    ),
    Setting(
      "normalize_reward", .environments,
      "scale rewards by the running std of the discounted return (discount: gamma); reported returns stay raw",
      .on(\A2.normalization.reward), .on(\P.normalization.reward)
    ),
    Setting(
      "normalize.style", .environments,
      "gymnasium: NormalizeObservation/NormalizeReward per environment in CleanRL's wrapper order; vecnormalize:"
        + " SB3's VecNormalize, statistics shared by the environments",
      .on(\A2.normalization.style), .on(\P.normalization.style)
    ),
    Setting(
      "normalize.clip_observation", .environments, "normalised observations are clipped to [-this, this]",
      in: .positive, .on(\A2.normalization.clipObservation), .on(\P.normalization.clipObservation)
    ),
    Setting(
      "normalize.clip_reward", .environments, "normalised rewards are clipped to [-this, this]", in: .positive,
      .on(\A2.normalization.clipReward), .on(\P.normalization.clipReward)
    ),
    Setting(
      "normalize.epsilon", .environments, "added to the variances under the square root", in: .positive,
      .on(\A2.normalization.epsilon), .on(\P.normalization.epsilon)
    ),
    // Evaluation
    Setting(
      "eval_episodes", .evaluation, "evaluation episodes after training (and at each eval_every)",
      in: .from(0, to: 1e9), .plan(\.evaluationEpisodes)
    ),
    Setting(
      "eval_deterministic", .evaluation, "evaluate with the distribution's mode", .plan(\.evaluationDeterministic)
    ),
    Setting(
      "eval_every", .evaluation,
      "evaluate on a separate environment every this many steps, at the next update; logs eval/mean_reward,"
        + " keeps best_checkpoint.safetensors (0: never)",
      in: .atLeast(0), .plan(\.evaluationEvery)
    ),
    Setting(
      "record_final", .evaluation, "record each seed's last evaluation episode as final-episode.gif in its folder",
      .plan(\.recordFinal)
    ),
    Setting(
      "test_episode_after_reload", .evaluation, "load the saved checkpoint back and play one test episode with it",
      .plan(\.testEpisodeAfterReload)
    ),
    // Checkpoints and stopping
    Setting(
      "checkpoint_every", .checkpoints,
      "save the full training state every this many steps, at the next update (0: never); continue with --resume RUN"
        + " (Box2D: a snapshot without the environments' state, which resumes from fresh episodes, not bit for bit)",
      in: .atLeast(0), .plan(\.checkpointEvery)
    ),
    Setting(
      "save_every", .checkpoints,
      "also save the model (weights, normalisation, optimizer, counters) every this many steps to numbered files"
        + " seed-S/models/model-<steps>-steps.safetensors (0: never)",
      in: .atLeast(0), .plan(\.saveEvery)
    ),
    Setting(
      "keep_last", .checkpoints, "keep only the newest this many numbered model files of save_every (0: all)",
      in: .atLeast(0), .plan(\.keepLast)
    ),
    Setting(
      "continue_from", .checkpoints,
      "start each seed from this checkpoint (rein train --continue CHECKPOINT); none: a fresh agent",
      .plan(\.continueFrom)
    ),
    Setting(
      "continue_schedule", .checkpoints,
      "with continue_from: extend (the schedules' horizon becomes the whole budget and their progress goes on) or"
        + " restart (they start again over the new steps)",
      choices: ["extend", "restart"], .plan(\.continueSchedule)
    ),
    Setting(
      "stop_at_eval_return", .checkpoints,
      "stop a seed once a periodic evaluation's mean return reaches this (needs eval_every)",
      .plan(\.stopAtEvaluationReturn)
    ),
    Setting(
      "stop_after_no_improvement", .checkpoints,
      "stop a seed after this many periodic evaluations in a row without a new best (needs eval_every; 0: never)",
      in: .atLeast(0), .plan(\.stopAfterNoImprovement)
    ),
    // Printing and plots
    Setting(
      "print_every_episodes", .output, "print the running mean return every this many episodes (0: never)",
      in: .atLeast(0), .plan(\.printing.everyEpisodes)
    ),
    Setting("print_window", .output, "episodes in the printed mean", in: .from(1, to: 1e9), .plan(\.printing.window)),
    Setting(
      "print_every_updates", .output, "print a table of training metrics every this many updates (0: never)",
      in: .atLeast(0), .plan(\.printing.everyUpdates)
    ),
    Setting(
      "progress", .output, "the progress display (auto: a bar on a terminal, lines otherwise)",
      choices: ["auto", "bar", "lines", "none"], .plan(\.printing.progress)
    ),
    Setting(
      "plot.title", .output, "the learning-curve plot's title", shownDefault: "ALGORITHM on ENV",
      .plan(\.plotTitle, derivedDefault: { "\($0.algorithm.name.uppercased()) on \($0.environmentID)" })
    ),
    Setting(
      "plot.x", .output, "the plots' x axis", choices: ["episode", "step"],
      shownDefault: "step for vectorised algorithms, else episode",
      .plan(\.plotX, derivedDefault: { $0.algorithm.isVectorized ? "step" : "episode" })
    ),
    Setting(
      "plot.smoothing", .output, "moving-average window of the plotted curve", in: .from(1, to: 1e9),
      .plan(\.plotSmoothing)
    ),
    Setting("plot.seeds", .output, "draw each seed as a thin line under the mean", .plan(\.plotSeeds)),
    // Algorithm
    Setting(
      "gamma", .algorithm, "discount factor", in: .unit, .on(\R.gamma), .on(\AC.gamma), .on(\A2.gamma), .on(\P.gamma)
    ),
    Setting(
      "learning_rate", .algorithm, "learning rate (a2c, ppo: or a schedule such as linear(3e-4, 0))", in: .atLeast(0),
      .on(\R.learningRate), .on(\AC.learningRate), .on(\A2.learningRate), .on(\P.learningRate)
    ),
    Setting("optimizer", .algorithm, "the optimizer", .on(\R.optimizer), .on(\AC.optimizer), .on(\A2.optimizer)),
    Setting(
      "weight_decay", .algorithm, "optimizer weight decay", in: .atLeast(0), shownDefault: "0.0, 0.01 with adamw",
      .on(\R.weightDecay, derivedDefault: { $0.optimizer == .adamw ? 0.01 : $0.weightDecay })
    ),
    Setting("standardize_returns", .algorithm, "standardise each episode's returns", .on(\R.standardizeReturns)),
    Setting("baseline", .algorithm, "learn a value baseline with its own optimizer", .on(\R.baseline)),
    Setting(
      "value_learning_rate", .algorithm, "the baseline's learning rate", in: .atLeast(0), .on(\R.valueLearningRate)
    ),
    Setting(
      "sum_over_episode", .algorithm, "sum the per-step losses instead of averaging them", .on(\R.sumOverEpisode)
    ),
    Setting(
      "n_steps", .algorithm, "steps per environment per update", in: .from(1, to: 1e9), .on(\A2.stepsPerEnvironment),
      .on(\P.stepsPerEnvironment)
    ),
    Setting(
      "batch_size", .algorithm, "minibatch size (at most n_steps x n_envs)", in: .from(1, to: 1e15), .on(\P.batchSize)
    ),
    Setting("n_epochs", .algorithm, "passes over each rollout", in: .from(1, to: 1e6), .on(\P.epochs)),
    Setting("gae_lambda", .algorithm, "GAE lambda", in: .unit, .on(\A2.gaeLambda), .on(\P.gaeLambda)),
    Setting("clip_range", .algorithm, "PPO's clip range: a number or a schedule", in: .atLeast(0), .on(\P.clipRange)),
    Setting(
      "clip_range_vf", .algorithm, "clip range of the value function (none: no clipping)", in: .positive,
      .on(\P.valueClipRange)
    ),
    Setting(
      "value_loss", .algorithm,
      "sb3: mean squared error of the (clipped) value; cleanrl: half the mean of the larger of the unclipped and"
        + " clipped squared errors", .on(\P.valueLoss)
    ),
    Setting(
      "bootstrap_truncated", .algorithm,
      "bootstrap a truncated episode from its final observation's value (false: treat it as an end, as CleanRL)",
      .on(\P.bootstrapTruncated)
    ),
    Setting(
      "normalize_advantage", .algorithm, "standardise the advantages of each (mini)batch",
      .on(\A2.normalizeAdvantages), .on(\P.normalizeAdvantages)
    ),
    Setting(
      "ent_coef", .algorithm, "entropy coefficient: a number or a schedule", in: .atLeast(0),
      .on(\A2.entropyCoefficient), .on(\P.entropyCoefficient)
    ),
    Setting(
      "vf_coef", .algorithm, "value loss coefficient", in: .atLeast(0), .on(\AC.valueCoefficient),
      .on(\A2.valueCoefficient), .on(\P.valueCoefficient)
    ),
    Setting(
      "max_grad_norm", .algorithm, "gradient-norm limit (actor-critic: none by default)", in: .positive,
      .on(\AC.maxGradientNorm), .on(\A2.maxGradientNorm), .on(\P.maxGradientNorm)
    ),
    Setting(
      "target_kl", .algorithm, "stop an update's epochs once the approximate KL exceeds 1.5 x this (none: never)",
      in: .positive, .on(\P.targetKL)
    ),
    Setting(
      "optimizer_eps", .algorithm, "the optimizer's epsilon (a2c: 1e-5 with rmsprop, else 1e-8; ppo: Adam's)",
      in: .positive, .on(\A2.optimizerEpsilon, derivedDefault: { $0.optimizer == .rmsprop ? 1e-5 : 1e-8 }),
      .on(\P.adamEpsilon)
    ),
    Setting(
      "update_at_episode_end", .algorithm, "also update when an episode ends (with one environment)",
      .on(\A2.updateAtEpisodeEnd)
    ),
    Setting("log_interval", .algorithm, "steps between logged metrics", in: .from(1, to: 1e15), .on(\AC.logInterval)),
    // Policy network
    Setting(
      "policy.hidden", .policy, "hidden layer widths of the actor (or shared trunk)", in: .from(1, to: 1e9),
      .policy(\.hiddenCounts)
    ),
    Setting(
      "policy.value_hidden", .policy, "hidden layer widths of the critic (none: as policy.hidden)",
      in: .from(1, to: 1e9), .policy(\.valueHiddenCounts)
    ),
    Setting("policy.shared", .policy, "one trunk for actor and critic", .policy(\.sharedTrunk)),
    Setting("policy.activation", .policy, "the hidden layers' activation", .policy(\.activation)),
    Setting(
      "policy.orthogonal", .policy, "orthogonal initialisation (SB3) instead of PyTorch's default",
      .policy(\.orthogonalInitialization)
    ),
    Setting(
      "policy.gaussian_head", .policy, "how a Gaussian policy gets its standard deviation", .policy(\.gaussianHead)
    ),
    Setting("policy.log_std_init", .policy, "initial log std (state-independent head)", .policy(\.logStdInit)),
    Setting("policy.log_std_min", .policy, "lower clamp of a state-dependent log std", .policy(\.logStdMin)),
    Setting("policy.log_std_max", .policy, "upper clamp of a state-dependent log std", .policy(\.logStdMax)),
    Setting(
      "policy.epsilon", .policy, "added to the Gaussian's mean and std (W1: 1e-6)", in: .atLeast(0),
      .policy(\.distributionEpsilon)
    ),
    Setting("policy.squash", .policy, "squash Gaussian actions with tanh into the bounds", .policy(\.squashActions)),
  ]

  /// The table's rows and the extra settings of every algorithm in `registry`.
  ///
  /// - Parameter registry: The algorithms whose extra settings are added after the table's rows.
  public static func settings(in registry: AlgorithmRegistry = .shared) -> [Setting] {
    rows + registry.all.flatMap(\.extraSettings)
  }
}
