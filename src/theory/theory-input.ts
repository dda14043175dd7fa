/**
 * Input checks for the theory: every entry point rejects what it cannot compute exactly with an
 * error that names the field and the allowed range, so no curve is ever silently NaN (SPEC 2.5).
 *
 * @example
 *   try { gradientGap(inst, theta); } catch (e) { if (e instanceof TheoryInputError) show(e.field, e.message); }
 */
import type { Instance } from '../model/index.ts';
import { FAMILIES, FEATURES, LIMITS, REWARDS, validateSpec, type RunParams, type SweepSpecInput } from '../engine/index.ts';

/** A theory input the exact formulas do not cover; `field` is the offending field (`theta`, `L`, `family`, …). */
export class TheoryInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'TheoryInputError';
  }
}

/** Ranges the exact recursions support: the engine's limits, which keep every recursion within float64. */
export const THEORY_LIMITS = Object.freeze({
  L: LIMITS.L, // token length; the forward/backward recursions are O(L·V²)
  tableEntries: LIMITS.tableEntries, // P·K of the transition table
  d: LIMITS.d,
});

const REWARD_KINDS = ['table', 'exact-match', 'final-answer'] as const;

/** θ must have one finite entry per feature dimension. */
export function checkTheta(theta: ArrayLike<number>, d: number, field = 'theta'): void {
  if (!theta || typeof theta.length !== 'number') throw new TheoryInputError(field, 'must be an array of d numbers');
  if (theta.length !== d) throw new TheoryInputError(field, `has ${theta.length} entries; it must have d = ${d}`);
  for (let k = 0; k < d; k++) {
    if (!Number.isFinite(theta[k])) throw new TheoryInputError(`${field}[${k}]`, `${field}[${k}] = ${theta[k]}: every entry must be a finite number`);
  }
}

/** The instance must be one the exact formulas cover: a known reward kind, L in range, finite features. */
export function checkInstance(inst: Instance): void {
  if (!REWARD_KINDS.includes(inst.reward)) {
    throw new TheoryInputError('reward', `reward = ${JSON.stringify(inst.reward)}: the theory covers ${REWARD_KINDS.join(', ')}`);
  }
  const [lo, hi] = THEORY_LIMITS.L;
  if (!Number.isInteger(inst.L) || inst.L < lo || inst.L > hi) {
    throw new TheoryInputError('L', `L = ${inst.L}: the exact recursion supports integer L in [${lo}, ${hi}]`);
  }
  if (inst.reward === 'table' && inst.L !== 1) throw new TheoryInputError('L', `L = ${inst.L}: a bandit has L = 1`);
  if (inst.P * inst.K > THEORY_LIMITS.tableEntries) {
    throw new TheoryInputError('K', `the table has ${inst.P}×${inst.K} entries; at most ${THEORY_LIMITS.tableEntries}`);
  }
  if (inst.phi.length !== inst.P * inst.K * inst.d)
    throw new TheoryInputError('phi', `has ${inst.phi.length} entries; expected P·K·d = ${inst.P * inst.K * inst.d}`);
  for (let i = 0; i < inst.phi.length; i++) {
    if (!Number.isFinite(inst.phi[i])) throw new TheoryInputError('phi', `phi[${i}] = ${inst.phi[i]}: features must be finite`);
  }
}

/** Run parameters the theory covers: the engine's own validation, plus what has no closed form. */
export function checkRunParams(p: RunParams): void {
  if (!FAMILIES.includes(p.family)) throw new TheoryInputError('family', `family = ${JSON.stringify(p.family)}: the theory covers ${FAMILIES.join(', ')}`);
  if (!FEATURES.includes(p.features))
    throw new TheoryInputError('features', `features = ${JSON.stringify(p.features)}: the theory covers ${FEATURES.join(', ')}`);
  if (p.family === 'token' && !REWARDS.includes(p.reward))
    throw new TheoryInputError('reward', `reward = ${JSON.stringify(p.reward)}: the theory covers ${REWARDS.join(', ')}`);
  if (p.family === 'token' && (!Number.isInteger(p.L) || p.L < THEORY_LIMITS.L[0] || p.L > THEORY_LIMITS.L[1])) {
    throw new TheoryInputError('L', `L = ${p.L}: the exact recursion supports integer L in [${THEORY_LIMITS.L[0]}, ${THEORY_LIMITS.L[1]}]`);
  }
  checkSpecInput({ base: p, seeds: 1 });
  if (p.advantage === 'batch-std' && p.family === 'bandit' && p.B > 1) {
    throw new TheoryInputError('advantage', 'batch-std with B > 1 has no closed-form expected update: use group-std, or B = 1');
  }
}

/** A sweep spec the theory can read: the engine's validation, thrown as one error naming the first field. */
export function checkSpecInput(input: SweepSpecInput): void {
  const issues = validateSpec(input);
  if (issues.length) throw new TheoryInputError(issues[0].field, issues.map((i) => `${i.field}: ${i.message}`).join('; '));
}
