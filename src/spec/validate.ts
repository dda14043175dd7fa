/**
 * Validation of a sweep spec before anything is dispatched (SPEC 2.5). Every problem names the
 * field, the value and the allowed range, so a cell can show it beside the field and the CLI
 * can print it and exit 2.
 *
 * @example
 *   const issues = validateSpec(input);        // [] when the spec is valid
 *   const spec = parseSpec(input);             // throws SpecError listing every issue
 */
import {
  ADVANTAGES,
  AGGREGATIONS,
  EXACT_DIRECTIONS,
  FAMILIES,
  FEATURES,
  GRID_KEYS,
  MODES,
  OPTIMIZERS,
  REWARDS,
  SCHEDULES,
  STD_KINDS,
  KL_ESTIMATORS,
  cellCount,
  expandGrid,
  maxTokenPrompts,
  tableShape,
  withDefaults,
  type GridKey,
  type RunParams,
  type SweepSpec,
  type SweepSpecInput,
  recordSteps,
} from './spec.ts';
import { intIn, oneOf, realIn, type Check } from './field-checks.ts';
import { mb, sweepMemory } from './sweep-memory.ts';
import { ppoFieldChecks, ppoInertAxis, ppoIssues } from './ppo-validate.ts';
import { policyFieldChecks, policyGridRefusal, policyInertAxis, policyIssues } from './transformer-validate.ts';
import { isPlainObject, keyName, kindOf, nearestName, showValue, SpecError, unknownKeyIssues, type SpecIssue } from './issues.ts';

// The issue type and the messages' helpers live in issues.ts; passed on here, where they have always been exported from.
export * from './issues.ts';
export { PPO_LIMITS } from './ppo-validate.ts';
export { SWEEP_MEMORY, sweepMemory } from './sweep-memory.ts';

/** Engine limits that do not depend on the device; device limits are checked when chunking. */
export const LIMITS = Object.freeze({
  V: [2, 64],
  L: [1, 256],
  N: [1, 1024],
  K: [2, 256],
  d: [1, 1024],
  G: [1, 1024],
  B: [1, 1024],
  iterations: [1, 100_000],
  seeds: [1, 65_536],
  gridValues: 1000, // values per grid key
  cells: 65_536,
  runs: 4_194_304, // cells × seeds; memory (sweepMemory) usually binds first only through seeds × recorded steps
  sweepBytes: 2 ** 30, // what a sweep may hold while it runs (sweepMemory): 1 GiB, within a browser tab's reach
  tableEntries: 4096, // P·K of the transition table
  tokensPerStep: 8192, // B·G·L sampled tokens per step
  runSteps: 2 ** 40, // runs × iterations
  promptRecords: 16_384, // N · recorded steps: the per-prompt J_q values of one token-level run, as the prompts-run view replays it (SPEC 1.8)
  stepSize: 1e6,
  weightDecay: 1000,
  maxGradNorm: 1e6,
});

/** The largest float32 below 1 (1 − 2^-24), the most a rate may be once the engine rounds it. */
const F32_BELOW_ONE = 1 - 2 ** -24;
/** The smallest normal float32: below it a value loses precision, and far enough below it rounds to 0. */
export const F32_MIN_NORMAL = 2 ** -126;

/**
 * A decay rate (momentum, β1, β2) in [0, 1) as the engine holds it: the kernel and its twin round
 * it to float32, where 0.99999999999 is 1 (Adam's bias correction then divides by 1 − 1 = 0), so
 * the check is on the rounded value, which the message names.
 */
function belowOneInF32(): Check {
  return (v) => {
    const problem = realIn(0, 1, 'right-open')(v);
    if (problem) return problem;
    const rounded = Math.fround(v as number);
    return rounded < 1
      ? null
      : `rounds to ${rounded} in float32 (the precision the engine runs in): must be at most ${F32_BELOW_ONE} (the largest float32 below 1)`;
  };
}

/** Adam's ε as the engine holds it: a normal float32 (1e-50 rounds to 0, and √v + 0 divides by zero). */
function normalInF32(v: number): string | null {
  const rounded = Math.fround(v);
  return rounded >= F32_MIN_NORMAL
    ? null
    : `rounds to ${rounded} in float32 (the precision the engine runs in): must be a normal float32, at least 2^-126 = ${F32_MIN_NORMAL}`;
}

/** The run parameters that take one of a list of names, with their lists: what the checks accept and the sweep form offers. */
export const PARAM_CHOICES = {
  family: FAMILIES,
  features: FEATURES,
  reward: REWARDS,
  advantage: ADVANTAGES,
  aggregation: AGGREGATIONS,
  std: STD_KINDS,
  mode: MODES,
  exactDirection: EXACT_DIRECTIONS,
  optimizer: OPTIMIZERS,
  schedule: SCHEDULES,
  klEstimator: KL_ESTIMATORS,
} as const satisfies Partial<Record<keyof RunParams, readonly string[]>>;

const FIELD_CHECKS: Record<keyof RunParams, Check> = {
  family: oneOf(PARAM_CHOICES.family),
  features: oneOf(PARAM_CHOICES.features),
  reward: oneOf(PARAM_CHOICES.reward),
  V: intIn(LIMITS.V[0], LIMITS.V[1]),
  L: intIn(LIMITS.L[0], LIMITS.L[1]),
  eos: (v) => (typeof v === 'boolean' ? null : 'must be true (responses end at an EOS token) or false (every response has length L)'),
  targetLength: intIn(1, LIMITS.L[1]),
  N: intIn(LIMITS.N[0], LIMITS.N[1]),
  K: intIn(LIMITS.K[0], LIMITS.K[1]),
  d: intIn(LIMITS.d[0], LIMITS.d[1]),
  J0: realIn(0, 1, 'open'),
  theta0: (v) => {
    if (v === null) return null;
    if (!Array.isArray(v)) return 'must be null or an array of finite numbers (d of them)';
    const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    return bad < 0 ? null : `must be null or an array of finite numbers (d of them); theta0[${bad}] = ${showValue(v[bad])}`;
  },
  stepSize: realIn(0, LIMITS.stepSize, 'left-open'),
  G: intIn(LIMITS.G[0], LIMITS.G[1]),
  B: intIn(LIMITS.B[0], LIMITS.B[1]),
  advantage: oneOf(PARAM_CHOICES.advantage),
  aggregation: oneOf(PARAM_CHOICES.aggregation),
  epsilon: realIn(0, 1, 'closed'),
  std: oneOf(PARAM_CHOICES.std),
  mode: oneOf(PARAM_CHOICES.mode),
  exactDirection: oneOf(PARAM_CHOICES.exactDirection),
  iterations: intIn(LIMITS.iterations[0], LIMITS.iterations[1]),
  recordEvery: intIn(1, LIMITS.iterations[1]),
  optimizer: oneOf(PARAM_CHOICES.optimizer),
  momentum: belowOneInF32(),
  beta1: belowOneInF32(),
  beta2: belowOneInF32(),
  adamEpsilon: (v) => realIn(0, 1, 'left-open')(v) ?? normalInF32(v as number),
  weightDecay: realIn(0, LIMITS.weightDecay, 'closed'),
  maxGradNorm: (v) =>
    v === null ? null : realIn(0, LIMITS.maxGradNorm, 'left-open')(v) && `must be null (no clipping) or a number in (0, ${LIMITS.maxGradNorm}]`,
  warmupSteps: intIn(0, LIMITS.iterations[1]),
  schedule: oneOf(PARAM_CHOICES.schedule),
  ...ppoFieldChecks(LIMITS.B),
  ...policyFieldChecks(),
};

/** A grid value is checked as its base field is, except that a grid lists no null: clipping off is the base's null. */
const gridCheck = (key: GridKey): Check =>
  key === 'maxGradNorm' || key === 'dualClip'
    ? (v) =>
        v === null
          ? `a grid cannot list null; leave ${key} out of the grid (or set base.${key} = null) for ${key === 'dualClip' ? 'no dual clip' : 'no clipping'}`
          : FIELD_CHECKS[key](v)
    : FIELD_CHECKS[key];

/** Problems that only show once fields are combined (one cell's full parameters). */
function crossFieldIssues(p: RunParams): { key: keyof RunParams; message: string }[] {
  const out: { key: keyof RunParams; message: string }[] = [];
  const needsPairs = p.advantage === 'group-std' || p.advantage === 'rloo' || p.advantage === 'mean';
  if (p.mode === 'sampled' && needsPairs && p.G < 2)
    out.push({ key: 'G', message: `G = ${p.G}, but advantage ${p.advantage} needs G ≥ 2 (a group of one has no baseline)` });
  if (p.mode === 'exact' && p.exactDirection === 'expected-update' && needsPairs && p.G < 2)
    out.push({ key: 'G', message: `G = ${p.G}, but advantage ${p.advantage} needs G ≥ 2` });
  if (p.mode === 'sampled' && p.advantage === 'batch-std' && p.B * p.G < 2)
    out.push({ key: 'G', message: `B·G = ${p.B * p.G}, but batch-std needs at least 2 responses per batch` });
  if (p.warmupSteps > p.iterations)
    out.push({ key: 'warmupSteps', message: `warmupSteps = ${p.warmupSteps} is longer than the run: must be in [0, iterations = ${p.iterations}]` });
  if (p.recordEvery > p.iterations) out.push({ key: 'recordEvery', message: `recordEvery = ${p.recordEvery} must be in [1, iterations = ${p.iterations}]` });
  policyIssues(p, out);
  if (p.policy === 'transformer') {
    ppoIssues(p, out); // the PPO loop's rules hold for both policies (M divides B, …)
    return out; // its task sets N, B, lengths and tokens (transformer-validate.ts); the rest below is the log-linear table's
  }
  if (p.family === 'token') tokenPromptIssues(p, out);
  if (p.family === 'bandit') {
    const { P } = tableShape(p);
    if (p.B > P) out.push({ key: 'B', message: `B = ${p.B} exceeds the ${P} prompt(s) of the bandit: must be in [1, ${P}]` });
  }
  if (p.mode === 'exact' && p.exactDirection === 'expected-update' && p.advantage === 'batch-std' && p.B > 1) {
    out.push({ key: 'advantage', message: 'batch-std with B > 1 has no closed-form expected update: use mode "sampled", or group-std' });
  }
  if (p.eos) eosIssues(p, out);
  ppoIssues(p, out);
  const { P, K, L } = tableShape(p);
  if (P * K > LIMITS.tableEntries)
    out.push({ key: p.family === 'bandit' ? 'K' : 'V', message: `the policy table has ${P}×${K} = ${P * K} entries; at most ${LIMITS.tableEntries}` });
  const tokens = p.mode === 'sampled' ? p.B * p.G * L : 0;
  if (tokens > LIMITS.tokensPerStep) out.push({ key: 'G', message: `B·G·L = ${tokens} sampled tokens per step; at most ${LIMITS.tokensPerStep}` });
  if (p.features === 'tabular' && p.family === 'token' && p.V * p.V > LIMITS.d[1])
    out.push({ key: 'V', message: `tabular-bigram features have d = V² = ${p.V * p.V}; V must be in [2, 32]` });
  if (p.theta0 && p.theta0.length !== (p.features === 'tabular' ? (p.family === 'bandit' ? p.K : p.V * p.V) : p.d)) {
    out.push({ key: 'theta0', message: `theta0 has ${p.theta0.length} entries; it must have d entries` });
  }
  return out;
}

/** Many prompts at token level (SPEC 1.8): one start token each, B of them drawn per step, N·records J_q values recorded per run. */
function tokenPromptIssues(p: RunParams, out: { key: keyof RunParams; message: string }[]): void {
  const most = maxTokenPrompts(p);
  if (p.N > most) {
    const tokens = p.eos ? `V − 1 = ${most} tokens besides EOS` : `V = ${p.V} tokens`;
    out.push({ key: 'N', message: `N = ${p.N} prompts, but each prompt starts at its own token and there are ${tokens}: N must be in [1, ${most}]` });
  }
  if (p.B > p.N) out.push({ key: 'B', message: `B = ${p.B} prompts drawn per step, but there are N = ${p.N} prompts: B must be in [1, N = ${p.N}]` });
  const records = recordSteps(p.iterations, p.recordEvery).length;
  // N = 1 records nothing beyond J itself, so today's runs keep their limits.
  if (p.N > 1 && p.N * records > LIMITS.promptRecords)
    out.push({
      key: 'N',
      message: `N × recorded steps = ${p.N} × ${records} = ${p.N * records} per-prompt J_q values per run; at most ${LIMITS.promptRecords} (fewer prompts, or a larger recordEvery)`,
    });
  if (p.N > 1 && p.eos)
    out.push({
      key: 'eos',
      message: `eos = true with N = ${p.N} prompts: not built (the EOS target redraws feature rows that other prompts' paths share); use N = 1 with EOS`,
    });
}

/** The stop token's checks (SPEC 1.7): a token-family field whose target must fit under L and be realizable. */
function eosIssues(p: RunParams, out: { key: keyof RunParams; message: string }[]): void {
  if (p.family === 'bandit') {
    out.push({ key: 'eos', message: 'eos = true, but a bandit response is one action with no tokens: EOS needs family "token"' });
    return;
  }
  // θ*'s greedy path visits distinct states (the policy reads only the previous token), so a
  // target of n tokens needs n − 1 distinct tokens besides the start and EOS: n ≤ V − 1.
  const minimum = p.reward === 'final-answer' ? 2 : 1;
  const maximum = Math.min(p.L, p.V - 1);
  if (p.targetLength < minimum || p.targetLength > maximum) {
    const why =
      p.targetLength > p.L
        ? `longer than the maximum length L = ${p.L}, so no response could match it`
        : p.targetLength > p.V - 1
          ? `a greedy path of V = ${p.V} tokens ends within V − 1 = ${p.V - 1} (it never revisits a token)`
          : p.reward === 'final-answer'
            ? 'final answer needs a token before EOS: the answer'
            : 'a target has at least its EOS';
    out.push({ key: 'targetLength', message: `targetLength = ${p.targetLength}: must be an integer in [${minimum}, ${maximum}] (${why})` });
  }
  if (p.mode === 'exact' && p.exactDirection === 'expected-update' && (p.aggregation === 'seq-mean-token-mean' || p.aggregation === 'token-mean')) {
    out.push({
      key: 'aggregation',
      message:
        `aggregation ${p.aggregation} with EOS has no exact expected update here: ` +
        (p.aggregation === 'token-mean'
          ? 'its 1/Σ_i|o_i| couples the responses of a group, so E[w] is not c(J)·∇J'
          : 'its 1/|o_i| weights each response by its own length, so E[w] needs the joint law of length and reward, not derived') +
        '; use mode "sampled", exactDirection "gradient" or "gap", or seq-sum, constant, constant-no-batch',
    });
  }
}

/** Top-level fields of a sweep spec. */
export const SPEC_KEYS: readonly string[] = Object.freeze(['version', 'base', 'grid', 'seeds', 'seed', 'collapseFraction']);
/** Fields of `base` (every run parameter). */
export const RUN_KEYS: readonly string[] = Object.freeze(Object.keys(FIELD_CHECKS));

/** The optimizer fields that only some optimizers read, and which (the others ignore them). */
const OPTIMIZER_READERS = {
  momentum: ['momentum'],
  beta1: ['adam', 'adamw'],
  beta2: ['adam', 'adamw'],
  adamEpsilon: ['adam', 'adamw'],
} as const satisfies Partial<Record<GridKey, readonly (typeof OPTIMIZERS)[number][]>>;

/**
 * Why a grid axis would only repeat the same runs: the field is one the cell's family or
 * features never read (the engine forces it or ignores it), so every value gives the same runs.
 */
function inertAxis(base: Record<string, unknown>, grid: Record<string, unknown>, key: GridKey): string | null {
  const inert = policyInertAxis(base, key) ?? ppoInertAxis(base, grid, key);
  if (inert) return inert;
  const { family, features } = base;
  // The optimizer fields each optimizer reads (src/engine/optimizer.ts): with every optimizer of the sweep (the base's, or grid.optimizer's) blind to one, its axis is dead.
  const optimizers = Array.isArray(grid.optimizer) ? (grid.optimizer as unknown[]) : [base.optimizer];
  const readers = OPTIMIZER_READERS[key as keyof typeof OPTIMIZER_READERS];
  if (readers && !optimizers.some((o) => (readers as readonly unknown[]).includes(o)))
    return `optimizer ${optimizers.map((o) => showValue(o)).join(', ')} does not read ${key} (only ${readers.join(', ')} do${readers.length === 1 ? 'es' : ''})`;
  if (family === 'bandit' && (key === 'L' || key === 'V')) return `the bandit family does not read ${key} (a bandit has L = 1 and no vocabulary)`;
  if (family === 'token' && key === 'K') return 'the token family does not read K (its responses are sequences over V tokens)';
  if (features === 'tabular' && key === 'd') return `tabular features fix d (K for a bandit, V² for tokens)`;
  if (family === 'bandit' && features === 'tabular' && key === 'N') return 'a tabular bandit has one prompt: N is fixed at 1';
  if (key === 'J0' && Array.isArray(base.theta0)) return 'theta0 is given, so J0 is not read';
  if (key === 'targetLength' && base.eos !== true) return 'targetLength is read only with eos = true (without EOS every response has length L)';
  return null;
}

/** Every problem of a (possibly partial) spec; [] when it is valid. Never throws. */
export function validateSpec(input: SweepSpecInput): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (!isPlainObject(input as unknown))
    return [{ field: 'spec', message: `must be a JSON object such as {"grid": {"stepSize": [1, 10]}}, got ${kindOf(input)}` }];
  issues.push(...unknownKeyIssues(input as unknown as Record<string, unknown>, SPEC_KEYS, ''));
  if (input.version !== undefined && input.version !== 1)
    issues.push({ field: 'version', message: `version = ${showValue(input.version)}: only version 1 is known` });
  const baseOk = input.base === undefined || isPlainObject(input.base);
  const gridOk = input.grid === undefined || isPlainObject(input.grid);
  if (!baseOk) issues.push({ field: 'base', message: `must be an object of run parameters such as {"L": 8}, got ${kindOf(input.base)}` });
  if (!gridOk)
    issues.push({ field: 'grid', message: `must be an object mapping field names to value lists such as {"stepSize": [1, 10]}, got ${kindOf(input.grid)}` });
  const spec = withDefaults({ ...input, base: baseOk ? input.base : {}, grid: gridOk ? input.grid : {} });
  issues.push(...unknownKeyIssues(spec.base as unknown as Record<string, unknown>, RUN_KEYS, 'base.'));
  for (const [key, check] of Object.entries(FIELD_CHECKS) as [keyof RunParams, Check][]) {
    const problem = check(spec.base[key]);
    if (problem) issues.push({ field: `base.${key}`, message: `${key} = ${showValue(spec.base[key])}: ${problem}` });
  }
  for (const check of [
    ['seeds', intIn(LIMITS.seeds[0], LIMITS.seeds[1])],
    ['seed', intIn(0, 0xffffffff)],
    ['collapseFraction', realIn(0, 1, 'left-open')],
  ] as const) {
    const value = (spec as unknown as Record<string, unknown>)[check[0]];
    const problem = check[1](value);
    if (problem) issues.push({ field: check[0], message: `${check[0]} = ${showValue(value)}: ${problem}` });
  }
  const gridKeys = GRID_KEYS as readonly string[];
  for (const [key, values] of Object.entries(spec.grid) as [string, unknown][]) {
    if (!gridKeys.includes(key)) {
      const refusal = policyGridRefusal(key);
      if (refusal) {
        issues.push({ field: `grid.${key}`, message: refusal });
        continue;
      }
      const near = RUN_KEYS.includes(key) ? null : nearestName(key, gridKeys);
      issues.push({
        field: `grid.${keyName(key)}`,
        message: `${JSON.stringify(keyName(key))} cannot be swept${near ? `; did you mean ${near}?` : ''} (grid keys: ${GRID_KEYS.join(', ')})`,
      });
      continue;
    }
    if (!Array.isArray(values) || values.length === 0 || values.length > LIMITS.gridValues) {
      const got = Array.isArray(values) ? (values.length ? `${values.length} values` : 'an empty list') : kindOf(values);
      issues.push({ field: `grid.${key}`, message: `must be a list of 1 to ${LIMITS.gridValues} values, got ${got}` });
      continue;
    }
    const firstAt = new Map<unknown, number>();
    const repeats: number[] = [];
    values.forEach((v, i) => {
      const problem = gridCheck(key as GridKey)(v);
      if (problem) issues.push({ field: `grid.${key}[${i}]`, message: `${key} = ${showValue(v)}: ${problem}` });
      else if (firstAt.has(v)) repeats.push(i);
      else firstAt.set(v, i);
    });
    if (repeats.length) {
      const [i] = repeats;
      const more = repeats.length > 1 ? ` (and ${repeats.length - 1} more repeated values)` : '';
      issues.push({
        field: `grid.${key}[${i}]`,
        message: `${key} = ${showValue(values[i])} repeats grid.${key}[${firstAt.get(values[i])}]${more}: each grid value must appear once`,
      });
    }
    const inert = baseOk ? inertAxis(spec.base as unknown as Record<string, unknown>, spec.grid as Record<string, unknown>, key as GridKey) : null;
    if (inert) issues.push({ field: `grid.${key}`, message: `${inert}: sweeping it would repeat the same runs; remove grid.${key}` });
  }
  if (issues.length > 0) return issues;
  const cells = cellCount(spec);
  if (cells > LIMITS.cells) return [{ field: 'grid', message: `the grid has ${cells} cells; at most ${LIMITS.cells}` }];
  const runs = cells * spec.seeds;
  if (runs > LIMITS.runs)
    return [{ field: 'seeds', message: `${cells} cells × ${spec.seeds} seeds = ${runs} runs; at most ${LIMITS.runs} runs per sweep (shard bigger sweeps)` }];
  const records = Math.max(...expandGrid(spec).map((c) => recordSteps(c.params.iterations, c.params.recordEvery).length));
  const memory = sweepMemory(runs, spec.seeds, records, spec.base.policy);
  if (memory.bytes > LIMITS.sweepBytes)
    return [{ field: 'seeds', message: `${memory.text}, over the ${mb(LIMITS.sweepBytes)} a sweep may hold (fewer seeds or recorded steps, or shard it)` }];
  const seen = new Set<string>();
  for (const cell of expandGrid(spec)) {
    if (runs * cell.params.iterations > LIMITS.runSteps)
      return [{ field: 'base.iterations', message: `${runs} runs × ${cell.params.iterations} iterations exceeds ${LIMITS.runSteps} run-steps` }];
    for (const { key, message } of crossFieldIssues(cell.params)) {
      const field = Object.hasOwn(spec.grid, key) ? `grid.${key}` : `base.${key}`;
      const where = Object.keys(cell.values).length
        ? ` (cell ${cell.index}: ${Object.entries(cell.values)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')})`
        : '';
      const id = `${field}|${message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      issues.push({ field, message: message + where });
    }
  }
  return issues;
}

/** Defaults filled and validated; throws a SpecError naming every problem. */
export function parseSpec(input: SweepSpecInput): SweepSpec {
  const issues = validateSpec(input);
  if (issues.length) throw new SpecError(issues);
  return withDefaults(input);
}
