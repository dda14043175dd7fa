/**
 * The sweep spec: a JSON-serializable description of many RLVR training runs (SPEC 1.2–1.4).
 * A sweep is a base parameter set, a grid over some of its fields, and a number of seeds per
 * grid cell. Each (cell, seed) pair is one run; run index = cell · seeds + seed.
 *
 * @example
 *   const spec = withDefaults({ grid: { stepSize: logSpaced(0.3, 100, 6) }, seeds: 256 });
 *   const cells = expandGrid(spec); // 6 cells, 1536 runs
 */

import { taskResponseLength, TRANSFORMER_DEFAULTS, TRANSFORMER_FIELDS, type Policy, type TransformerTask } from './transformer-fields.ts';

/** Policy family: a bandit over N prompts × K responses, or an autoregressive token policy. */
export type Family = 'bandit' | 'token';
/** Bandit: `tabular` = one-hot arms (N=1, d=K); `gaussian` = contextual. Token: `gaussian` or `tabular` = bigram one-hot (d=V²). */
export type Features = 'gaussian' | 'tabular';
/** Token-level reward: the whole sequence equals the target, or only its last token does. Bandits use their reward table. */
export type Reward = 'exact-match' | 'final-answer';
export type Advantage = 'none' | 'mean' | 'group-std' | 'batch-std' | 'rloo' | 'oracle';
/** SPEC 1.7; TRL `loss_type` / verl `loss_agg_mode` in AGGREGATION_NAMES. */
export type Aggregation = 'seq-sum' | 'seq-mean-token-mean' | 'token-mean' | 'constant' | 'constant-no-batch';
/** `sampled`: G sampled responses per prompt. `exact`: the expected update, no sampling noise. */
export type Mode = 'sampled' | 'exact';
/** Exact-mode direction: ∇J, the gradient gap g = ∇J/(J(1−J)), or E[A·s] of the chosen advantage and aggregation. */
export type ExactDirection = 'gradient' | 'gap' | 'expected-update';
export type StdKind = 'unbiased' | 'biased';
/** The optimizer a step is taken with (SPEC 1.6, PyTorch semantics): plain SGD, SGD with momentum, Adam, AdamW. */
export type Optimizer = 'sgd' | 'momentum' | 'adam' | 'adamw';
/** Learning-rate schedule after the warmup (transformers `get_scheduler`): constant, linear decay to 0, or cosine to 0. */
export type Schedule = 'constant' | 'linear' | 'cosine';
/** Per-token KL to the reference (SPEC 1.9): k3 = exp(Δ) − Δ − 1 (verl `low_var_kl`, TRL), clamped to [−10, 10]; k1 = −Δ (verl `kl`). */
export type KlEstimator = 'k3' | 'k1';

export const FAMILIES: readonly Family[] = ['bandit', 'token'];
export const FEATURES: readonly Features[] = ['gaussian', 'tabular'];
export const REWARDS: readonly Reward[] = ['exact-match', 'final-answer'];
export const ADVANTAGES: readonly Advantage[] = ['none', 'mean', 'group-std', 'batch-std', 'rloo', 'oracle'];
export const AGGREGATIONS: readonly Aggregation[] = ['seq-sum', 'seq-mean-token-mean', 'token-mean', 'constant', 'constant-no-batch'];
/** The aggregations' names in TRL (`GRPOConfig.loss_type`) and verl (`actor.loss_agg_mode`), SPEC 1.7; null where the library has none. */
export const AGGREGATION_NAMES: Readonly<Record<Aggregation, { formula: string; trl: string | null; verl: string | null }>> = Object.freeze({
  'seq-sum': { formula: 'mean_i Σ_t', trl: null, verl: 'seq-mean-token-sum' },
  'seq-mean-token-mean': { formula: 'mean_i (Σ_t / |o_i|)', trl: 'grpo', verl: 'seq-mean-token-mean' },
  'token-mean': { formula: 'Σ_i Σ_t / Σ_i |o_i|', trl: 'bnpo, dapo', verl: 'token-mean' },
  constant: { formula: 'Σ_i Σ_t / (B·G·L)', trl: 'dr_grpo', verl: null },
  'constant-no-batch': { formula: 'Σ_i Σ_t / L', trl: null, verl: 'seq-mean-token-sum-norm' },
});
export const MODES: readonly Mode[] = ['sampled', 'exact'];
export const EXACT_DIRECTIONS: readonly ExactDirection[] = ['gradient', 'gap', 'expected-update'];
export const STD_KINDS: readonly StdKind[] = ['unbiased', 'biased'];
export const OPTIMIZERS: readonly Optimizer[] = ['sgd', 'momentum', 'adam', 'adamw'];
export const SCHEDULES: readonly Schedule[] = ['constant', 'linear', 'cosine'];
export const KL_ESTIMATORS: readonly KlEstimator[] = ['k3', 'k1'];

/** Everything one training run needs. All fields are plain JSON values. */
export interface RunParams {
  family: Family;
  features: Features;
  reward: Reward; // token family only
  V: number; // vocabulary size (token)
  L: number; // response length (token), the maximum length with EOS (responses are cut there); bandits have L = 1
  eos: boolean; // token family: the last token of the vocabulary ends a response (SPEC 1.7)
  targetLength: number; // with EOS: length of the exact-match target including its EOS (final answer: the answer is its token before EOS)
  N: number; // prompts: bandit prompts, or at token level start tokens 0..N−1, each with its own target, θ shared (SPEC 1.8)
  K: number; // responses per prompt (bandit)
  d: number; // feature dimension; forced to K (tabular bandit) or V² (tabular token)
  J0: number; // target initial success rate; θ0 = α·θ* with α found by bisection
  theta0: number[] | null; // explicit θ0 instead of J0 (length d), same for every seed
  stepSize: number; // η
  G: number; // group size: sampled responses per prompt
  B: number; // prompts drawn per step (Philox; all of them, in order, when B = N); B = N = 1 is the single-prompt run
  advantage: Advantage;
  aggregation: Aggregation;
  epsilon: number; // ε in the std-normalized advantages
  std: StdKind; // Bessel-corrected (TRL, verl, OpenRLHF) or biased group std
  mode: Mode;
  exactDirection: ExactDirection;
  iterations: number; // SGD steps per run
  recordEvery: number; // J is recorded at steps 0, k, 2k, … and at the last step
  // The practitioners' loop (SPEC 1.6): the gradient fed to the optimizer is g = −w.
  optimizer: Optimizer;
  momentum: number; // μ of the momentum optimizer (PyTorch SGD, dampening 0, not Nesterov)
  beta1: number; // Adam/AdamW first-moment decay
  beta2: number; // Adam/AdamW second-moment decay
  adamEpsilon: number; // ε added to √v̂
  weightDecay: number; // λ: decoupled for AdamW (θ ← θ(1 − η_t λ)), else L2 added to g, as PyTorch does
  maxGradNorm: number | null; // clip ‖g‖ to this before the optimizer; null = no clipping
  warmupSteps: number; // linear warmup from 0 over this many steps
  schedule: Schedule; // after the warmup
  // The loop TRL and verl run (SPEC 1.9): μ passes × M mini-batches per sampled batch, the PPO ratio clip, KL to π_θ0.
  ppoEpochs: number; // μ: passes over each sampled batch (verl `ppo_epochs`, TRL `num_iterations`)
  miniBatches: number; // M: mini-batches per pass, whole prompt groups, B/M groups each (M divides B); one optimizer step each
  clipLow: number; // ε_low: ρ clipped below at 1 − ε_low (TRL `epsilon`, verl `clip_ratio_low`)
  clipHigh: number; // ε_high: ρ clipped above at 1 + ε_high (TRL `epsilon_high`, verl `clip_ratio_high`; DAPO 0.28)
  dualClip: number | null; // c > 1: for A < 0 the token loss is capped at −c·A (verl `clip_ratio_c`); null = off
  klCoef: number; // β ≥ 0 on the per-token KL to π_ref = π_θ0 (TRL `beta`, verl `kl_loss_coef`)
  klEstimator: KlEstimator; // k3 (verl `low_var_kl`) or k1 (verl `kl`)
  // The policy (SPEC 1.10): the paper's log-linear policy, or a tiny transformer per run (the token family; transformer-fields.ts).
  policy: Policy;
  layers: number; // transformer blocks
  heads: number; // attention heads, each d/heads wide
  task: TransformerTask; // copy, reverse, sort or sum of a prompt of promptLength tokens
  promptLength: number; // k tokens per prompt
  heldOutPrompts: number; // prompts never trained on, for held-out J (0: none)
  sftMaxSteps: number; // Adam steps the supervised warm start may take to reach J0
  sftLearningRate: number; // the warm start's Adam learning rate
}

/** Fields a grid may sweep over. */
export type GridKey =
  | 'stepSize'
  | 'L'
  | 'targetLength'
  | 'J0'
  | 'G'
  | 'V'
  | 'd'
  | 'N'
  | 'K'
  | 'B'
  | 'advantage'
  | 'aggregation'
  | 'optimizer'
  | 'momentum'
  | 'beta1'
  | 'beta2'
  | 'adamEpsilon'
  | 'weightDecay'
  | 'maxGradNorm'
  | 'warmupSteps'
  | 'schedule'
  | 'ppoEpochs'
  | 'miniBatches'
  | 'clipLow'
  | 'clipHigh'
  | 'dualClip'
  | 'klCoef'
  | 'klEstimator';
export const GRID_KEYS: readonly GridKey[] = [
  'stepSize',
  'L',
  'targetLength',
  'J0',
  'G',
  'V',
  'd',
  'N',
  'K',
  'B',
  'advantage',
  'aggregation',
  'optimizer',
  'momentum',
  'beta1',
  'beta2',
  'adamEpsilon',
  'weightDecay',
  'maxGradNorm',
  'warmupSteps',
  'schedule',
  'ppoEpochs',
  'miniBatches',
  'clipLow',
  'clipHigh',
  'dualClip',
  'klCoef',
  'klEstimator',
];

/** Grid values: a grid lists numbers or names, never null (clipping on and off are two sweeps, or a base and a grid). */
export type Grid = Partial<{ [K in GridKey]: Exclude<RunParams[K], null>[] }>;

export interface SweepSpec {
  version: 1;
  base: RunParams;
  grid: Grid; // cartesian product, in the key order given
  seeds: number; // runs per grid cell
  seed: number; // master seed (u32): Philox key word 0
  collapseFraction: number; // a run has collapsed when final J < collapseFraction · J0(θ0)
}

/** A partially written spec, as a notebook or a user types it. */
export interface SweepSpecInput {
  version?: 1;
  base?: Partial<RunParams>;
  grid?: Grid;
  seeds?: number;
  seed?: number;
  collapseFraction?: number;
}

/** The optimizer fields at values that take today's plain SGD step exactly (SPEC 1.6 defaults for Adam). */
export const OPTIMIZER_DEFAULTS = Object.freeze({
  optimizer: 'sgd' as Optimizer,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  adamEpsilon: 1e-8,
  weightDecay: 0,
  maxGradNorm: null as number | null,
  warmupSteps: 0,
  schedule: 'constant' as Schedule,
});
export type OptimizerKey = keyof typeof OPTIMIZER_DEFAULTS;

/** The stop-token fields (SPEC 1.7) at values that give today's fixed-length responses exactly (targetLength is read only with EOS). */
export const EOS_DEFAULTS = Object.freeze({ eos: false, targetLength: 4 });

/**
 * The PPO loop's fields (SPEC 1.9) at values that take today's one on-policy step per batch exactly:
 * with μ = M = 1 the ratio is 1, so no clip acts, and β = 0 adds no KL.
 */
export const PPO_DEFAULTS = Object.freeze({
  ppoEpochs: 1,
  miniBatches: 1,
  clipLow: 0.2,
  clipHigh: 0.2,
  dualClip: null as number | null,
  klCoef: 0,
  klEstimator: 'k3' as KlEstimator,
});
export type PpoKey = keyof typeof PPO_DEFAULTS;

/**
 * The policy's fields (SPEC 1.10) at values that leave today's log-linear runs exactly as they were:
 * policy "log-linear", and the transformer's fields (which that policy never reads) at their defaults.
 */
export const POLICY_DEFAULTS = Object.freeze({
  policy: 'log-linear' as Policy,
  ...(Object.fromEntries(TRANSFORMER_FIELDS.map((k) => [k, TRANSFORMER_DEFAULTS[k]])) as Pick<
    typeof TRANSFORMER_DEFAULTS,
    (typeof TRANSFORMER_FIELDS)[number]
  >),
});

/** True when a run's policy is the tiny transformer (SPEC 1.10); else the paper's log-linear policy. */
export function isTransformer(p: Pick<RunParams, 'policy'>): boolean {
  return p.policy === 'transformer';
}

/** True when a run takes more than one update per batch or a KL penalty: the PPO loss path (SPEC 1.9); else today's loop, bit for bit. */
export function isPpoLoop(p: Pick<RunParams, 'ppoEpochs' | 'miniBatches' | 'klCoef'>): boolean {
  return p.ppoEpochs * p.miniBatches > 1 || p.klCoef > 0;
}

/** True when a run takes plain SGD steps θ ← θ + η·w (no clipping, no schedule, no decay): the kernel's fast path. */
export function isPlainSgd(p: Pick<RunParams, OptimizerKey>): boolean {
  return p.optimizer === 'sgd' && p.maxGradNorm === null && p.warmupSteps === 0 && p.schedule === 'constant' && p.weightDecay === 0;
}

export const DEFAULT_RUN: Readonly<RunParams> = Object.freeze({
  family: 'token',
  features: 'gaussian',
  reward: 'exact-match',
  V: 8,
  L: 8,
  ...EOS_DEFAULTS,
  N: 1,
  K: 8,
  d: 6,
  J0: 0.2,
  theta0: null,
  stepSize: 1,
  G: 8,
  B: 1,
  advantage: 'group-std',
  aggregation: 'seq-sum',
  epsilon: 1e-4,
  std: 'unbiased',
  mode: 'sampled',
  exactDirection: 'expected-update',
  iterations: 150,
  recordEvery: 10,
  ...OPTIMIZER_DEFAULTS,
  ...PPO_DEFAULTS,
  ...POLICY_DEFAULTS,
});

/** Fills every missing field with its default. Does not validate: see `validateSpec`. */
export function withDefaults(input: SweepSpecInput): SweepSpec {
  return {
    version: 1,
    // The transformer's own default width (SPEC 1.10: d 16) where the policy is named and d is not.
    base: { ...DEFAULT_RUN, ...(input.base?.policy === 'transformer' && { d: TRANSFORMER_DEFAULTS.d }), ...(input.base ?? {}) } as RunParams,
    grid: input.grid ?? {},
    seeds: input.seeds ?? 64,
    seed: input.seed ?? 1,
    collapseFraction: input.collapseFraction ?? 0.5,
  };
}

/** `count` log-spaced values from `lo` to `hi` inclusive, rounded to 4 significant digits. */
export function logSpaced(lo: number, hi: number, count: number): number[] {
  if (count === 1) return [lo];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (count - 1));
    out.push(Number(v.toPrecision(4)));
  }
  return out;
}

/** The derived dimension: tabular features fix d. */
export function effectiveDim(p: RunParams): number {
  if (p.features === 'tabular') return p.family === 'bandit' ? p.K : p.V * p.V;
  return p.d;
}

/**
 * The most prompts a token-level run can have (SPEC 1.8): each prompt is a different start token,
 * and with EOS the stop token (V − 1) starts none.
 */
export function maxTokenPrompts(p: Pick<RunParams, 'V' | 'eos'>): number {
  return p.eos ? p.V - 1 : p.V;
}

/** States (rows) and actions (columns) of the per-run transition table. */
export function tableShape(p: RunParams): { P: number; K: number; L: number } {
  if (p.family === 'bandit') return { P: p.features === 'tabular' ? 1 : p.N, K: p.K, L: 1 };
  return { P: p.V, K: p.V, L: p.L };
}

/**
 * Scale the aggregation applies to the summed token score of a response, relative to the mean over
 * the `samples` = B·G responses of a step, when every response has length `length` (SPEC 1.3, 1.7).
 * Without EOS every response has length L = L_max, so the three normalized aggregations coincide:
 * each divides by L; constant-no-batch (verl) does not divide by the batch, so it is B·G/L.
 */
export function aggregationLengthScale(aggregation: Aggregation, length: number, samples = 1): number {
  if (aggregation === 'seq-sum') return 1;
  if (aggregation === 'constant-no-batch') return samples / length;
  return 1 / length;
}

/** Aggregations whose normalizer is each response's own length, or the batch's: with EOS their scale moves with the lengths. */
export function perLengthAggregation(aggregation: Aggregation): boolean {
  return aggregation === 'seq-mean-token-mean' || aggregation === 'token-mean';
}

/**
 * Effective step size: η times the factor the aggregation puts on the summed token score. For
 * Adam and AdamW the step per coordinate is about η whatever the scale of w (SPEC 1.6), so their
 * effective step size is η itself.
 */
export function effectiveStepSize(
  p: Pick<RunParams, 'stepSize' | 'aggregation' | 'L' | 'family'> &
    Partial<Pick<RunParams, 'policy' | 'task' | 'promptLength'>> & { optimizer?: Optimizer; eos?: boolean; G?: number; B?: number },
  expectedLength?: number,
): number {
  if (p.optimizer === 'adam' || p.optimizer === 'adamw') return p.stepSize;
  // A transformer's responses have the task's length (SPEC 1.10), not L.
  const L = p.family === 'bandit' ? 1 : p.policy === 'transformer' && !p.eos ? taskResponseLength(p.task ?? 'copy', p.promptLength ?? 1) : p.L;
  // With EOS, the per-length normalizations divide by lengths that move: the axis uses E_π|o| at θ0 when given.
  const length = p.eos && perLengthAggregation(p.aggregation) && expectedLength !== undefined ? expectedLength : L;
  return p.stepSize * aggregationLengthScale(p.aggregation, length, (p.B ?? 1) * (p.G ?? 1));
}

/** What the effective-step axis means for a run's optimizer, in words for an axis label or a key. */
export function effectiveStepMeaning(optimizer: Optimizer | undefined): string {
  if (optimizer === 'adam' || optimizer === 'adamw') return 'η itself (Adam moves each coordinate by about η)';
  if (optimizer === 'momentum') return 'η × aggregation scale (one step; with momentum the steady step is that over 1 − μ)';
  return 'η × aggregation scale';
}

/** The effective-step axis's words when responses end at EOS (SPEC 1.7). */
export const EFFECTIVE_STEP_EOS_NOTE = 'with EOS, per-length aggregations use the expected length E_π|o| at θ0';

/** One grid cell: its index, the grid values that define it, and the full run parameters. */
export interface Cell {
  index: number;
  values: Partial<Record<GridKey, number | string>>; // the grid coordinates of this cell
  params: RunParams;
}

/** Final J below which a run of this cell has collapsed (SPEC 1.4); a diverged run counts as collapsed too. */
export function collapseThreshold(spec: Pick<SweepSpec, 'collapseFraction'>, cell: Pick<Cell, 'params'>): number {
  return spec.collapseFraction * cell.params.J0;
}

/** Number of cells of the grid (product of the value-list lengths). */
export function cellCount(spec: Pick<SweepSpec, 'grid'>): number {
  let n = 1;
  for (const key of Object.keys(spec.grid) as GridKey[]) n *= spec.grid[key]!.length;
  return n;
}

/** Cartesian product of the grid; the last key varies fastest. Tabular features force d. */
export function expandGrid(spec: SweepSpec): Cell[] {
  const keys = Object.keys(spec.grid) as GridKey[];
  const n = cellCount(spec);
  const cells: Cell[] = [];
  for (let index = 0; index < n; index++) {
    let rest = index;
    const values: Partial<Record<GridKey, number | string>> = {};
    const params = { ...spec.base } as RunParams;
    for (let k = keys.length - 1; k >= 0; k--) {
      const list = spec.grid[keys[k]]! as (number | string)[];
      const v = list[rest % list.length];
      rest = Math.floor(rest / list.length);
      values[keys[k]] = v;
      (params as unknown as Record<string, unknown>)[keys[k]] = v;
    }
    params.d = effectiveDim(params);
    if (params.family === 'bandit' && params.features === 'tabular') params.N = 1;
    cells.push({ index, values, params });
  }
  return cells;
}

/** Steps at which J is recorded: 0, k, 2k, … and always the last step. */
export function recordSteps(iterations: number, recordEvery: number): number[] {
  const steps: number[] = [];
  for (let t = 0; t <= iterations; t += recordEvery) steps.push(t);
  if (steps[steps.length - 1] !== iterations) steps.push(iterations);
  return steps;
}
