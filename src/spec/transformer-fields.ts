/**
 * The sweep fields of the transformer policy (SPEC 1.10), kept apart from the log-linear fields of
 * spec.ts: their names, defaults, limits, and the checks with named refusals — d not divisible by
 * heads, more parameters per run than one dispatch holds, a task needing more distinct prompts than
 * V offers. `policy` defaults to "log-linear", under which none of these fields may be given, so
 * every existing spec keeps its meaning and its hash.
 *
 * validateSpec reads them through transformer-validate.ts (which adds the log-linear options the
 * transformer cannot take yet, by name).
 *
 * @example
 *   transformerFieldIssues({ policy: 'transformer', d: 12, heads: 5, V: 8, N: 16, B: 4, J0: 0.5 });
 *   // [{ field: 'heads', message: 'd 12 is not divisible by heads 5: each head has d/heads columns …' }]
 */
import { kindOf, showValue, unknownFieldMessage, type SpecIssue } from './issues.ts';

export const POLICIES = ['log-linear', 'transformer'] as const;
export type Policy = (typeof POLICIES)[number];
export const TRANSFORMER_TASKS = ['copy', 'reverse', 'sort', 'sum'] as const;
export type TransformerTask = (typeof TRANSFORMER_TASKS)[number];

/** The fields only the transformer policy reads (V, d, N, B and J0 are the spec's own). */
export interface TransformerFields {
  layers: number; // transformer blocks
  heads: number; // attention heads, each d/heads wide
  task: TransformerTask;
  promptLength: number; // k tokens per prompt
  heldOutPrompts: number; // prompts never trained on, for held-out J (0: none)
  sftMaxSteps: number; // Adam steps the warm start may take to reach J0
  sftLearningRate: number; // the warm start's Adam learning rate
}

export const TRANSFORMER_FIELDS = [
  'layers',
  'heads',
  'task',
  'promptLength',
  'heldOutPrompts',
  'sftMaxSteps',
  'sftLearningRate',
] as const satisfies readonly (keyof TransformerFields)[];

/** SPEC 1.10's defaults (d 16 is the spec's own d default for this policy). */
export const TRANSFORMER_DEFAULTS: Readonly<TransformerFields & { d: number }> = Object.freeze({
  layers: 1,
  heads: 2,
  d: 16,
  task: 'copy',
  promptLength: 4,
  heldOutPrompts: 0,
  sftMaxSteps: 1000,
  sftLearningRate: 0.01,
});

/**
 * One dispatch binds a chunk's parameters, gradients and Adam's m and v (4 f32 per parameter) in
 * one storage buffer; WebGPU's default maxStorageBufferBindingSize is 128 MiB, and a chunk should
 * hold at least 256 runs to fill a GPU: 128 MiB / (256 runs × 16 bytes) = 32,768 parameters per run.
 */
export const PARAMETERS_PER_DISPATCH_RUN = 32_768;

export const TRANSFORMER_LIMITS = Object.freeze({
  layers: [1, 8],
  heads: [1, 64],
  promptLength: [1, 32],
  heldOutPrompts: [0, 1024],
  sftMaxSteps: [0, 100_000],
  sftLearningRate: 1, // (0, 1]
  parametersPerRun: PARAMETERS_PER_DISPATCH_RUN,
});

/** Response tokens a task asks for after a prompt of length k: k, or one for sum. */
export const taskResponseLength = (task: TransformerTask, k: number) => (task === 'sum' ? 1 : k);

/**
 * Positions a run's model holds, T = promptLength + the longest response: the task's length, or
 * with EOS (SPEC 1.7) the spec's L, which counts the EOS token.
 */
export const transformerPositions = (p: { task: TransformerTask; promptLength: number; eos?: boolean; L?: number }) =>
  p.promptLength + (p.eos ? (p.L ?? 0) : taskResponseLength(p.task, p.promptLength));

/** Parameters per run (SPEC 1.10): V·d + T·d + layers·12·d², with T = prompt + response length. */
export const transformerParameterCount = (s: { V: number; d: number; T: number; layers: number }) => s.V * s.d + s.T * s.d + s.layers * 12 * s.d * s.d;

/** Distinct prompts a vocabulary of V offers at length k (V^k, or Infinity past 2^53). */
export const distinctPrompts = (V: number, k: number) => (k * Math.log2(V) > 53 ? Infinity : V ** k);

/** Why a task's prompts cannot all be distinct (N + heldOutPrompts > V^k), with the numbers, or null. */
export function taskPromptRefusal(p: { task: TransformerTask; V: number; promptLength: number; N: number; heldOutPrompts: number }): string | null {
  const offered = distinctPrompts(p.V, p.promptLength);
  const needed = p.N + p.heldOutPrompts;
  if (needed <= offered) return null;
  return `task ${p.task} needs ${needed} distinct prompts (N ${p.N} + heldOutPrompts ${p.heldOutPrompts}) but V ${p.V} offers only ${offered} prompts of promptLength ${p.promptLength} (V^promptLength)`;
}

const isInt = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/**
 * Problems with the transformer fields of one cell's parameters. `p` holds the cell's fields as
 * given (the new ones may be absent: their defaults apply) and the spec's V, d, N, B, J0, already
 * checked by validateSpec. Field names carry `prefix` (`base.`, …).
 */
export function transformerFieldIssues(p: Record<string, unknown>, prefix = ''): SpecIssue[] {
  const out: SpecIssue[] = [];
  const issue = (key: string, message: string) => out.push({ field: `${prefix}${key}`, message });
  const policy = p.policy ?? 'log-linear';
  if (typeof policy !== 'string' || !(POLICIES as readonly string[]).includes(policy)) {
    issue('policy', `must be one of ${POLICIES.join(', ')}; got ${showValue(policy)}`);
    return out;
  }
  if (policy === 'log-linear') {
    for (const key of TRANSFORMER_FIELDS) if (key in p) issue(key, `applies only with policy "transformer" (policy is "log-linear")`);
    return out;
  }
  const f = { ...TRANSFORMER_DEFAULTS, ...p } as Record<string, unknown>;
  const L = TRANSFORMER_LIMITS;
  const ints = [
    ['layers', L.layers],
    ['heads', L.heads],
    ['promptLength', L.promptLength],
    ['heldOutPrompts', L.heldOutPrompts],
    ['sftMaxSteps', L.sftMaxSteps],
  ] as const;
  for (const [key, [lo, hi]] of ints)
    if (!isInt(f[key], lo, hi)) issue(key, `must be an integer in [${lo}, ${hi}]; got ${showValue(f[key])} (${kindOf(f[key])})`);
  if (typeof f.task !== 'string' || !(TRANSFORMER_TASKS as readonly string[]).includes(f.task))
    issue('task', typeof f.task === 'string' ? unknownFieldMessage(f.task, TRANSFORMER_TASKS, 'tasks') : `must be one of ${TRANSFORMER_TASKS.join(', ')}`);
  const lr = f.sftLearningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0 || lr > L.sftLearningRate)
    issue('sftLearningRate', `must be a number in (0, ${L.sftLearningRate}]; got ${showValue(lr)}`);
  if (out.length > 0) return out;
  const { V, d, N, B } = f as { V: number; d: number; N: number; B: number };
  const heads = f.heads as number;
  const layers = f.layers as number;
  const task = f.task as TransformerTask;
  const k = f.promptLength as number;
  const heldOutPrompts = f.heldOutPrompts as number;
  if (d % heads !== 0) issue('heads', `d ${d} is not divisible by heads ${heads}: each head has d/heads columns, so heads must divide d`);
  // With EOS the last token is EOS: prompts use V − 1 tokens, and L must hold the answer and its EOS.
  const eos = f.eos === true;
  const maxLength = f.L as number;
  if (eos && maxLength < taskResponseLength(task, k) + 1)
    issue(
      'L',
      `L = ${maxLength} with eos: a response of task ${task} is ${taskResponseLength(task, k)} token(s) and then EOS, so L must be at least ${taskResponseLength(task, k) + 1}`,
    );
  const T = transformerPositions({ task, promptLength: k, eos, L: maxLength });
  const count = transformerParameterCount({ V, d, T, layers });
  if (count > L.parametersPerRun)
    issue(
      'd',
      `a run has V·d + T·d + layers·12·d² = ${V}·${d} + ${T}·${d} + ${layers}·12·${d}² = ${count} parameters; one dispatch holds at most ${L.parametersPerRun} per run (θ, ∇, Adam's m and v of 256 runs in a 128 MiB binding)`,
    );
  const refusal = taskPromptRefusal({ task, V: eos ? V - 1 : V, promptLength: k, N, heldOutPrompts });
  if (refusal) issue('N', eos ? `${refusal} (with eos the last token is EOS, so prompts use V − 1 = ${V - 1} tokens)` : refusal);
  if (B > N) issue('B', `B = ${B} exceeds the ${N} training prompts: must be in [1, N = ${N}]`);
  return out;
}
