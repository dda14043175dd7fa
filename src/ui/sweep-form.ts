/**
 * The sweep cell's form, as data: which fields it shows, their allowed ranges (the engine's
 * LIMITS), how field text becomes spec JSON and back, and which validation issue belongs beside
 * which field. Text that is not a number is kept as a string so that the engine's validator,
 * not the form, names the problem.
 *
 * @example
 *   const next = writeField(config, 'base.L', '0');  // { base: { L: 0 } }
 *   issuesByField(validateSpec(sweepSpecOf(next))).get('base.L'); // ['L = 0: must be an integer in [1, 256]']
 */
import {
  AGGREGATION_NAMES,
  GRID_KEYS,
  LIMITS,
  PARAM_CHOICES,
  POLICIES,
  TRANSFORMER_GRID_KEYS,
  TRANSFORMER_LIMITS,
  TRANSFORMER_TASKS,
  cellCount,
  logSpaced,
  withDefaults,
  type GridKey,
} from '../engine/index.ts';
import { sweepSpecOf, type SweepCellConfig } from '../notebook/index.ts';

export interface FormField {
  path: string; // 'base.L', 'seeds', … (the validator's field names)
  label: string;
  kind: 'int' | 'real' | 'choice' | 'text';
  choices?: readonly string[];
  range?: string; // shown beside the field
  gridKey?: GridKey; // the base field a grid axis replaces
}

const range = (r: readonly number[] | number) => (Array.isArray(r) ? `${r[0]}–${r[1]}` : String(r));

/** Each aggregation with its TRL `loss_type` and verl `loss_agg_mode` (SPEC 1.7), shown beside the field. */
export const AGGREGATION_LIBRARY_NAMES = PARAM_CHOICES.aggregation
  .map((a) => {
    const { trl, verl } = AGGREGATION_NAMES[a];
    const names = [trl && `TRL ${trl}`, verl && `verl ${verl}`].filter(Boolean).join(', ');
    return `${a} = ${names || 'neither'}`;
  })
  .join('; ');

export const BASE_FIELDS: FormField[] = [
  { path: 'base.policy', label: 'policy', kind: 'choice', choices: POLICIES },
  // The transformer policy (SPEC 1.10): shown only when it is chosen.
  { path: 'base.layers', label: 'layers', kind: 'int', range: range(TRANSFORMER_LIMITS.layers) },
  { path: 'base.heads', label: 'heads (divide d)', kind: 'int', range: range(TRANSFORMER_LIMITS.heads) },
  { path: 'base.task', label: 'task', kind: 'choice', choices: TRANSFORMER_TASKS },
  { path: 'base.promptLength', label: 'prompt length', kind: 'int', range: range(TRANSFORMER_LIMITS.promptLength) },
  { path: 'base.heldOutPrompts', label: 'held-out prompts', kind: 'int', range: range(TRANSFORMER_LIMITS.heldOutPrompts) },
  { path: 'base.sftMaxSteps', label: 'warm start: most steps', kind: 'int', range: range(TRANSFORMER_LIMITS.sftMaxSteps) },
  { path: 'base.sftLearningRate', label: 'warm start: Adam rate', kind: 'real', range: '(0, 1]' },
  { path: 'base.family', label: 'family', kind: 'choice', choices: PARAM_CHOICES.family },
  { path: 'base.features', label: 'features', kind: 'choice', choices: PARAM_CHOICES.features },
  { path: 'base.reward', label: 'reward', kind: 'choice', choices: PARAM_CHOICES.reward },
  { path: 'base.V', label: 'vocabulary V', kind: 'int', range: range(LIMITS.V), gridKey: 'V' },
  { path: 'base.L', label: 'length L (maximum with EOS)', kind: 'int', range: range(LIMITS.L), gridKey: 'L' },
  { path: 'base.eos', label: 'EOS token', kind: 'choice', choices: ['false', 'true'] },
  { path: 'base.targetLength', label: 'target length (EOS)', kind: 'int', range: '1–min(L, V−1)', gridKey: 'targetLength' },
  { path: 'base.d', label: 'features d', kind: 'int', range: range(LIMITS.d), gridKey: 'd' },
  { path: 'base.N', label: 'prompts N', kind: 'int', range: range(LIMITS.N), gridKey: 'N' },
  { path: 'base.K', label: 'responses K', kind: 'int', range: range(LIMITS.K), gridKey: 'K' },
  { path: 'base.J0', label: 'initial J₀', kind: 'real', range: '(0, 1)', gridKey: 'J0' },
  { path: 'base.stepSize', label: 'step size η', kind: 'real', range: `(0, ${LIMITS.stepSize}]`, gridKey: 'stepSize' },
  { path: 'base.G', label: 'group size G', kind: 'int', range: range(LIMITS.G), gridKey: 'G' },
  { path: 'base.B', label: 'batch B', kind: 'int', range: range(LIMITS.B), gridKey: 'B' },
  { path: 'base.advantage', label: 'advantage', kind: 'choice', choices: PARAM_CHOICES.advantage, gridKey: 'advantage' },
  {
    path: 'base.aggregation',
    label: 'aggregation',
    kind: 'choice',
    choices: PARAM_CHOICES.aggregation,
    range: AGGREGATION_LIBRARY_NAMES,
    gridKey: 'aggregation',
  },
  { path: 'base.epsilon', label: 'std ε', kind: 'real', range: '[0, 1]' },
  { path: 'base.std', label: 'group std', kind: 'choice', choices: PARAM_CHOICES.std },
  { path: 'base.mode', label: 'mode', kind: 'choice', choices: PARAM_CHOICES.mode },
  { path: 'base.exactDirection', label: 'exact direction', kind: 'choice', choices: PARAM_CHOICES.exactDirection },
  { path: 'base.iterations', label: 'iterations', kind: 'int', range: range(LIMITS.iterations) },
  { path: 'base.recordEvery', label: 'record every', kind: 'int', range: `1–iterations` },
  // The practitioners' loop (SPEC 1.6): PyTorch's optimizers, clip_grad_norm_, transformers' schedules.
  { path: 'base.optimizer', label: 'optimizer', kind: 'choice', choices: PARAM_CHOICES.optimizer, gridKey: 'optimizer' },
  { path: 'base.momentum', label: 'momentum μ', kind: 'real', range: '[0, 1)', gridKey: 'momentum' },
  { path: 'base.beta1', label: 'Adam β₁', kind: 'real', range: '[0, 1)', gridKey: 'beta1' },
  { path: 'base.beta2', label: 'Adam β₂', kind: 'real', range: '[0, 1)', gridKey: 'beta2' },
  { path: 'base.adamEpsilon', label: 'Adam ε', kind: 'real', range: '> 0', gridKey: 'adamEpsilon' },
  { path: 'base.weightDecay', label: 'weight decay λ', kind: 'real', range: '[0, 1000]: AdamW decoupled, others L2 (PyTorch)', gridKey: 'weightDecay' },
  { path: 'base.maxGradNorm', label: 'clip ‖g‖ at', kind: 'real', range: '> 0; empty: no clipping', gridKey: 'maxGradNorm' },
  { path: 'base.warmupSteps', label: 'warmup steps', kind: 'int', range: '0 – iterations−1', gridKey: 'warmupSteps' },
  { path: 'base.schedule', label: 'schedule', kind: 'choice', choices: PARAM_CHOICES.schedule, gridKey: 'schedule' },
  // The loop TRL and verl run (SPEC 1.9), with their names for each field.
  { path: 'base.ppoEpochs', label: 'passes per batch μ', kind: 'int', range: '1–64; TRL num_iterations, verl ppo_epochs', gridKey: 'ppoEpochs' },
  {
    path: 'base.miniBatches',
    label: 'mini-batches M',
    kind: 'int',
    range: '1–B, dividing B; verl train_batch_size / ppo_mini_batch_size',
    gridKey: 'miniBatches',
  },
  { path: 'base.clipLow', label: 'ratio clip ε low', kind: 'real', range: '(0, 1]; TRL epsilon, verl clip_ratio_low', gridKey: 'clipLow' },
  { path: 'base.clipHigh', label: 'ratio clip ε high', kind: 'real', range: '(0, 10]; TRL epsilon_high, verl clip_ratio_high', gridKey: 'clipHigh' },
  { path: 'base.dualClip', label: 'dual clip c', kind: 'real', range: '(1, 100]; empty: off; verl clip_ratio_c', gridKey: 'dualClip' },
  { path: 'base.klCoef', label: 'KL coefficient β', kind: 'real', range: '[0, 1000]; TRL beta, verl kl_loss_coef', gridKey: 'klCoef' },
  {
    path: 'base.klEstimator',
    label: 'KL estimator',
    kind: 'choice',
    choices: PARAM_CHOICES.klEstimator,
    range: 'k3 = verl low_var_kl (TRL); k1 = verl kl',
    gridKey: 'klEstimator',
  },
];

export const SWEEP_FIELDS: FormField[] = [
  { path: 'seeds', label: 'seeds per cell', kind: 'int', range: range(LIMITS.seeds) },
  { path: 'seed', label: 'master seed', kind: 'int', range: '0–4294967295' },
  { path: 'collapseFraction', label: 'collapse below', kind: 'real', range: '(0, 1] × J₀' },
  { path: 'publishSeeds', label: 'published seeds', kind: 'int', range: range(LIMITS.seeds) },
];

/** Grid axes in the order the spec gives them. */
export function gridKeys(config: SweepCellConfig): GridKey[] {
  return Object.keys(config.grid ?? {}) as GridKey[];
}

/** Text of a field: the value in the config, else the default shown as the placeholder. */
export function readField(config: SweepCellConfig, path: string): { text: string; placeholder: string } {
  const defaults = withDefaults({}) as unknown as Record<string, unknown> & { base: Record<string, unknown> };
  const [head, key] = path.split('.');
  const own = key ? (config.base as Record<string, unknown> | undefined)?.[key] : (config as Record<string, unknown>)[head];
  const fallback = key ? defaults.base[key] : defaults[head];
  const show = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return { text: show(own), placeholder: show(fallback) };
}

/** A number when the text is one, else the text itself (for the validator to name). */
function numberOrText(text: string): number | string {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
}

/** New config with one field set from its text; empty text removes the field (default applies). */
export function writeField(config: SweepCellConfig, path: string, text: string, kind: FormField['kind']): SweepCellConfig {
  const next: SweepCellConfig = structuredClone(config);
  const [head, key] = path.split('.');
  // eos is the one boolean field: its choices 'true' and 'false' are written as JSON booleans.
  const value = kind === 'int' || kind === 'real' ? numberOrText(text) : path === 'base.eos' && (text === 'true' || text === 'false') ? text === 'true' : text;
  const target = (key ? (next.base ??= {}) : next) as Record<string, unknown>;
  const name = key ?? head;
  if (text.trim() === '') delete target[name];
  else target[name] = value;
  return next;
}

/** A grid axis as text: "0.3, 1, 3". */
export function gridText(values: readonly unknown[] | undefined): string {
  return (values ?? []).map(String).join(', ');
}

/** Grid text to values: a list ("1, 3, 10") or `logspace(lo, hi, n)`; non-numbers stay strings. */
export function parseGridText(text: string, key: GridKey): (number | string)[] {
  const log = /^\s*logspace\(\s*([^,]+),\s*([^,]+),\s*([^)]+)\)\s*$/i.exec(text);
  if (log) {
    const [lo, hi, n] = [Number(log[1]), Number(log[2]), Number(log[3])];
    if ([lo, hi, n].every(Number.isFinite) && lo > 0 && hi > 0 && Number.isInteger(n) && n >= 1 && n <= LIMITS.gridValues) return logSpaced(lo, hi, n);
  }
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  const categorical = key === 'advantage' || key === 'aggregation';
  return parts.map((p) => (categorical ? p : numberOrText(p)));
}

export function writeGrid(config: SweepCellConfig, key: GridKey, text: string | null): SweepCellConfig {
  const next: SweepCellConfig = structuredClone(config);
  const grid = { ...(next.grid ?? {}) } as Record<string, unknown>;
  if (text === null) delete grid[key];
  else grid[key] = parseGridText(text, key);
  next.grid = grid;
  return next;
}

/** Keys that can still be added as a grid axis. */
export function addableGridKeys(config: SweepCellConfig): GridKey[] {
  const present = new Set(gridKeys(config));
  const keys = withDefaults(sweepSpecOf(config)).base.policy === 'transformer' ? TRANSFORMER_GRID_KEYS : GRID_KEYS;
  return keys.filter((k) => !present.has(k));
}

/** Validator issues grouped by the form field they belong beside; '' collects the rest. */
export function issuesByField(issues: readonly { field?: string; message: string }[]): Map<string, string[]> {
  const known = new Set([...BASE_FIELDS, ...SWEEP_FIELDS].map((f) => f.path));
  const out = new Map<string, string[]>();
  for (const issue of issues) {
    let field = issue.field ?? '';
    const grid = /^grid\.(\w+)/.exec(field);
    if (grid) field = `grid.${grid[1]}`;
    else if (field !== 'grid' && !known.has(field)) field = '';
    if (!out.has(field)) out.set(field, []);
    out.get(field)!.push(issue.message);
  }
  return out;
}

/** Size of a sweep: cells, runs and run-steps (runs × iterations). Assumes a valid spec. */
export function sweepSize(config: SweepCellConfig): { cells: number; runs: number; runSteps: number } {
  const spec = withDefaults(sweepSpecOf(config));
  const cells = cellCount(spec);
  const runs = cells * spec.seeds;
  return { cells, runs, runSteps: runs * spec.base.iterations };
}

/** Seeds per cell of a sweep: its own, else the engine's default. */
export function seedsPerCell(config: SweepCellConfig): number {
  return withDefaults(sweepSpecOf(config)).seeds;
}
