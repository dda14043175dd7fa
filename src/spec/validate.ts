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
import { isPlainObject, keyName, kindOf, nearestName, showValue, SpecError, unknownKeyIssues, type SpecIssue } from './issues.ts';

// The issue type and the messages' helpers live in issues.ts; passed on here, where they have always been exported from.
export * from './issues.ts';

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

/** The PPO loop's limits (SPEC 1.9): passes over one batch (verl `ppo_epochs`), the clip ranges, c and β. */
export const PPO_LIMITS = Object.freeze({ ppoEpochs: [1, 64], clipLow: 1, clipHigh: 10, dualClip: 100, klCoef: 1000 });

/**
 * What the engine's ResultsBuilder holds for a sweep run without keeping every run's series (the
 * page above RUN_SERIES_LIMIT, `gradgap run`): its per-run outputs (3 f32 and a flag, rounded up to
 * 16 bytes; engine tests hold the outputs to it), and the buffers of cells split between chunks
 * until their last seed arrives (11 banded f32 series: J, ‖g‖, ‖Δθ‖, the four lengths, the shares of prompts solved and lost, the clipped share and the KL), a few cells at a time.
 */
export const SWEEP_MEMORY = { bytesPerRun: 16, bytesPerSplitRecord: 44, cellsInFlight: 4 } as const;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/** Bytes a sweep of `runs` runs, `seeds` seeds a cell and `records` recorded steps holds while it runs, with the sum spelt out. */
export function sweepMemory(runs: number, seeds: number, records: number): { bytes: number; text: string } {
  const { bytesPerRun, bytesPerSplitRecord, cellsInFlight } = SWEEP_MEMORY;
  const perRun = runs * bytesPerRun;
  const split = cellsInFlight * seeds * records * bytesPerSplitRecord;
  const bytes = perRun + split;
  return {
    bytes,
    text: `${runs} runs × ${bytesPerRun} bytes (per-run finals) + ${cellsInFlight} cells in flight × ${seeds} seeds × ${records} recorded steps × ${bytesPerSplitRecord} bytes (banded series) = ${mb(bytes)}`,
  };
}

type Check = (v: unknown) => string | null;

function intIn(lo: number, hi: number): Check {
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? null : `must be an integer in [${lo}, ${hi}]`);
}
function oneOf(list: readonly string[]): Check {
  return (v) => (typeof v === 'string' && list.includes(v) ? null : `must be one of ${list.join(', ')}`);
}
function realIn(lo: number, hi: number, open: 'open' | 'closed' | 'left-open' | 'right-open'): Check {
  const text = open === 'open' ? `(${lo}, ${hi})` : open === 'left-open' ? `(${lo}, ${hi}]` : open === 'right-open' ? `[${lo}, ${hi})` : `[${lo}, ${hi}]`;
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number in ${text}`;
    const okLo = open === 'closed' || open === 'right-open' ? v >= lo : v > lo;
    const okHi = open === 'open' || open === 'right-open' ? v < hi : v <= hi;
    return okLo && okHi ? null : `must be a number in ${text}`;
  };
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
  momentum: realIn(0, 1, 'right-open'),
  beta1: realIn(0, 1, 'right-open'),
  beta2: realIn(0, 1, 'right-open'),
  adamEpsilon: realIn(0, 1, 'left-open'),
  weightDecay: realIn(0, LIMITS.weightDecay, 'closed'),
  maxGradNorm: (v) =>
    v === null ? null : realIn(0, LIMITS.maxGradNorm, 'left-open')(v) && `must be null (no clipping) or a number in (0, ${LIMITS.maxGradNorm}]`,
  warmupSteps: intIn(0, LIMITS.iterations[1]),
  schedule: oneOf(PARAM_CHOICES.schedule),
  ...ppoFieldChecks(),
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
  if (p.warmupSteps > p.iterations)
    out.push({ key: 'warmupSteps', message: `warmupSteps = ${p.warmupSteps} is longer than the run: must be in [0, iterations = ${p.iterations}]` });
  if (p.recordEvery > p.iterations) out.push({ key: 'recordEvery', message: `recordEvery = ${p.recordEvery} must be in [1, iterations = ${p.iterations}]` });
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

/**
 * Why a grid axis would only repeat the same runs: the field is one the cell's family or
 * features never read (the engine forces it or ignores it), so every value gives the same runs.
 */
function inertAxis(base: Record<string, unknown>, key: GridKey, grid: Record<string, unknown> = {}): string | null {
  const ppo = ppoInertAxis(base, grid, key);
  if (ppo) return ppo;
  const { family, features } = base;
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
    const inert = baseOk ? inertAxis(spec.base as unknown as Record<string, unknown>, key as GridKey, spec.grid as Record<string, unknown>) : null;
    if (inert) issues.push({ field: `grid.${key}`, message: `${inert}: sweeping it would repeat the same runs; remove grid.${key}` });
  }
  if (issues.length > 0) return issues;
  const cells = cellCount(spec);
  if (cells > LIMITS.cells) return [{ field: 'grid', message: `the grid has ${cells} cells; at most ${LIMITS.cells}` }];
  const runs = cells * spec.seeds;
  if (runs > LIMITS.runs)
    return [{ field: 'seeds', message: `${cells} cells × ${spec.seeds} seeds = ${runs} runs; at most ${LIMITS.runs} runs per sweep (shard bigger sweeps)` }];
  const memory = sweepMemory(runs, spec.seeds, Math.max(...expandGrid(spec).map((c) => recordSteps(c.params.iterations, c.params.recordEvery).length)));
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

// ---- The PPO loop's fields (SPEC 1.9): checks, cross-field rules and inert axes, kept together here. ----

function ppoFieldChecks(): Pick<Record<keyof RunParams, Check>, 'ppoEpochs' | 'miniBatches' | 'clipLow' | 'clipHigh' | 'dualClip' | 'klCoef' | 'klEstimator'> {
  return {
    ppoEpochs: intIn(PPO_LIMITS.ppoEpochs[0], PPO_LIMITS.ppoEpochs[1]),
    miniBatches: intIn(LIMITS.B[0], LIMITS.B[1]),
    clipLow: realIn(0, PPO_LIMITS.clipLow, 'left-open'),
    clipHigh: realIn(0, PPO_LIMITS.clipHigh, 'left-open'),
    dualClip: (v) =>
      v === null
        ? null
        : realIn(1, PPO_LIMITS.dualClip, 'left-open')(v) &&
          `must be null (no dual clip) or a number in (1, ${PPO_LIMITS.dualClip}] (verl clip_ratio_c, 3 in its examples)`,
    klCoef: realIn(0, PPO_LIMITS.klCoef, 'closed'),
    klEstimator: oneOf(PARAM_CHOICES.klEstimator),
  };
}

/** One cell's PPO-loop problems: mini-batches split whole prompt groups; exact mode has no expected update for the loop. */
function ppoIssues(p: RunParams, out: { key: keyof RunParams; message: string }[]): void {
  if (p.miniBatches > p.B)
    out.push({ key: 'miniBatches', message: `miniBatches = ${p.miniBatches}, but a step draws B = ${p.B} prompt groups: must be in [1, B = ${p.B}]` });
  else if (p.B % p.miniBatches !== 0)
    out.push({
      key: 'miniBatches',
      message: `miniBatches = ${p.miniBatches} does not divide B = ${p.B}: each mini-batch is B/M whole prompt groups, so M must divide B`,
    });
  if (p.mode === 'exact') {
    const named: [keyof RunParams, boolean, string][] = [
      ['ppoEpochs', p.ppoEpochs > 1, `ppoEpochs = ${p.ppoEpochs}`],
      ['miniBatches', p.miniBatches > 1, `miniBatches = ${p.miniBatches}`],
      ['klCoef', p.klCoef > 0, `klCoef = ${p.klCoef}`],
    ];
    for (const [key, bad, text] of named)
      if (bad)
        out.push({
          key,
          message: `${text} in mode "exact": the expected update exists here only for one on-policy step without KL (ppoEpochs = miniBatches = 1, klCoef = 0); use mode "sampled"`,
        });
  }
}

/** A PPO field swept where it cannot act: the clip needs a second update on a batch (μ·M > 1), the estimator a β > 0. */
function ppoInertAxis(base: Record<string, unknown>, grid: Record<string, unknown>, key: GridKey): string | null {
  const swept = (k: string) => Object.hasOwn(grid, k);
  const onPolicy = base.ppoEpochs === 1 && base.miniBatches === 1 && !swept('ppoEpochs') && !swept('miniBatches');
  if ((key === 'clipLow' || key === 'clipHigh' || key === 'dualClip') && onPolicy)
    return `${key} acts only from a batch's second update, and ppoEpochs = miniBatches = 1 takes one (the ratio is always 1)`;
  if (key === 'klEstimator' && base.klCoef === 0 && !swept('klCoef')) return 'klEstimator is read only with klCoef > 0';
  return null;
}
