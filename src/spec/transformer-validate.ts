/**
 * Validation of the policy field (SPEC 1.10) beside validate.ts's tables: the transformer's field
 * checks, the problems of one cell's fields combined (the named refusals of transformer-fields.ts,
 * and every log-linear option the transformer cannot take yet, each by name with what is allowed),
 * and the grid axes it does not read. Under policy "log-linear" a transformer field away from its
 * default is refused, so every existing spec keeps its meaning.
 *
 * @example
 *   const out: { key: keyof RunParams; message: string }[] = [];
 *   policyIssues({ ...DEFAULT_RUN, policy: 'transformer', mode: 'exact' }, out);
 *   // [{ key: 'mode', message: 'mode "exact" with policy "transformer": … use mode "sampled"' }]
 */
import { intIn, oneOf, realIn, type Check } from './field-checks.ts';
import { showValue } from './issues.ts';
import { ADVANTAGES, AGGREGATIONS, DEFAULT_RUN, POLICY_DEFAULTS, type Advantage, type Aggregation, type GridKey, type RunParams } from './spec.ts';
import { POLICIES, TRANSFORMER_FIELDS, TRANSFORMER_LIMITS, TRANSFORMER_TASKS, transformerFieldIssues } from './transformer-fields.ts';

/** The advantages and aggregations the transformer's loop takes: all of them (src/engine/transformer-grpo.ts; a test holds the lists equal). */
export const TRANSFORMER_LOOP_ADVANTAGES: readonly Advantage[] = ADVANTAGES;
export const TRANSFORMER_LOOP_AGGREGATIONS: readonly Aggregation[] = AGGREGATIONS;

/** Grid keys a transformer sweep may sweep: the step, the start, the task sizes, the loop (the PPO loop's included) and the optimizer (everything else it does not read, or not yet). */
export const TRANSFORMER_GRID_KEYS: readonly GridKey[] = [
  'stepSize',
  'J0',
  'G',
  'B',
  'N',
  'V',
  'd',
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

type PolicyField = 'policy' | (typeof TRANSFORMER_FIELDS)[number];

/** The policy fields' checks, for validate.ts's table. */
export function policyFieldChecks(): Record<PolicyField, Check> {
  const L = TRANSFORMER_LIMITS;
  return {
    policy: oneOf(POLICIES),
    layers: intIn(L.layers[0], L.layers[1]),
    heads: intIn(L.heads[0], L.heads[1]),
    task: oneOf(TRANSFORMER_TASKS),
    promptLength: intIn(L.promptLength[0], L.promptLength[1]),
    heldOutPrompts: intIn(L.heldOutPrompts[0], L.heldOutPrompts[1]),
    sftMaxSteps: intIn(L.sftMaxSteps[0], L.sftMaxSteps[1]),
    sftLearningRate: realIn(0, L.sftLearningRate, 'left-open'),
  };
}

type Out = { key: keyof RunParams; message: string }[];

/**
 * One cell's policy problems. Log-linear: a transformer field away from its default. Transformer:
 * the named refusals (d % heads, parameters per run, prompts the task needs), and each option of
 * the log-linear family that has no meaning here or is not built yet, by name.
 */
export function policyIssues(p: RunParams, out: Out): void {
  if (p.policy !== 'transformer') {
    for (const key of TRANSFORMER_FIELDS)
      if (p[key] !== POLICY_DEFAULTS[key])
        out.push({ key, message: `${key} = ${showValue(p[key])} applies only with policy "transformer" (policy is "log-linear"); remove it or set policy` });
    return;
  }
  const refuse = (key: keyof RunParams, message: string) => out.push({ key, message });
  const named = 'with policy "transformer"';
  if (p.family !== 'token') refuse('family', `family = ${showValue(p.family)} ${named}: the transformer is a token policy; family must be "token"`);
  if (p.features !== DEFAULT_RUN.features)
    refuse('features', `features = ${showValue(p.features)} ${named}: features build the log-linear policy; the transformer has none (leave features out)`);
  if (p.theta0 !== null) refuse('theta0', `theta0 is given ${named}: θ0 is the GPT-2 initialization fine-tuned to J0 (SPEC 1.10); theta0 must be null`);
  if (p.reward !== 'exact-match')
    refuse(
      'reward',
      `reward = ${showValue(p.reward)} ${named}: the task's reward is an exact match of the response to f(prompt); reward must be "exact-match"`,
    );
  if (p.L !== DEFAULT_RUN.L && !p.eos)
    refuse(
      'L',
      `L = ${p.L} ${named}: without eos the response length is the task's (promptLength for copy, reverse and sort, 1 for sum); leave L out (${DEFAULT_RUN.L}), or set eos and L the longest response`,
    );
  if (p.targetLength !== DEFAULT_RUN.targetLength)
    refuse('targetLength', `targetLength = ${p.targetLength} ${named}: the target is f(prompt) of the task, then EOS with eos; leave targetLength out`);
  if (p.mode === 'exact') refuse('mode', `mode "exact" ${named}: the engine has no exact trajectory for the transformer; use mode "sampled"`);
  for (const issue of transformerFieldIssues(p as unknown as Record<string, unknown>))
    out.push({ key: issue.field as keyof RunParams, message: issue.message });
}

/** Why a grid axis cannot be swept under the base's policy, or null. */
export function policyInertAxis(base: Record<string, unknown>, key: GridKey): string | null {
  if (base.policy !== 'transformer' || TRANSFORMER_GRID_KEYS.includes(key)) return null;
  return `policy "transformer" does not sweep ${key} (its grid keys: ${TRANSFORMER_GRID_KEYS.join(', ')})`;
}

/** Why a policy field is not a grid key, for validate.ts's message. */
export function policyGridRefusal(key: string): string | null {
  if (key === 'policy') return 'policy cannot be swept: a sweep is one policy (put the log-linear and the transformer sweeps in two cells)';
  if (!(TRANSFORMER_FIELDS as readonly string[]).includes(key)) return null;
  return `${key} cannot be swept yet: the cells of a transformer sweep share layers, heads, task, promptLength, heldOutPrompts and the warm start's settings (one sweep per value; grid keys: ${TRANSFORMER_GRID_KEYS.join(', ')})`;
}
