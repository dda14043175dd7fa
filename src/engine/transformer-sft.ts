/**
 * The supervised warm start of a transformer run (SPEC 1.10): there is no θ* to scale to a target
 * J0, so a run starts from its GPT-2 initialization and is fine-tuned on its training targets —
 * full-batch cross-entropy by teacher forcing, the mean over all N·m target tokens of −log π, with
 * Adam at PyTorch's defaults (β 0.9/0.999, ε 1e-8, no weight decay, no clipping, constant rate
 * `sftLearningRate`) — until the training set's exact J first reaches J0, as real RLVR starts from
 * an SFT model. J is checked before every step, so `steps` is the number of Adam steps taken.
 * A run that does not reach J0 within `sftMaxSteps` steps, or leaves the floats, says so
 * (`reached` false) and must be reported apart, never averaged in.
 *
 * @example
 *   const theta = initialParameters(layout, seed, seedIndex);
 *   const sft = supervisedWarmStart(twin, theta, set, { J0: 0.5, sftLearningRate: 0.01, sftMaxSteps: 500 });
 *   sft.steps; sft.J; sft.reached;
 */
import { type TaskSet, type TransformerTwin } from '../model/index.ts';
import { OptimizerState } from './optimizer.ts';

const f32 = Math.fround;

export interface SftOptions {
  J0: number; // the training set's exact J to reach
  sftLearningRate: number; // Adam's learning rate (SPEC default 0.01)
  sftMaxSteps: number; // the most Adam steps before the run is reported as not reaching J0
}

export interface SftResult {
  steps: number; // Adam steps taken
  J: number; // the training set's exact J at the end
  reached: boolean; // J ≥ J0 within sftMaxSteps, with θ finite
  diverged: boolean; // θ left the finite floats
}

/**
 * Fine-tunes θ (f32, in place) on the training targets of `set` until J ≥ J0. `twin` must run in
 * f32. Per step: one teacher-forced forward and backward per prompt (prompt order), the token weight
 * w = r(1/(N·m)) (the gradient of the mean log-likelihood, which the optimizer descends as −w),
 * J_q = r(exp(Σ_t log π)) from the same forward and J = r(Σ_q J_q / N).
 */
export function supervisedWarmStart(twin: TransformerTwin, theta: Float32Array, set: TaskSet, o: SftOptions): SftResult {
  if (twin.model.precision.name !== 'f32') throw new Error('the warm start runs on the f32 twin');
  const k = set.promptLength;
  const m = set.responseLength;
  const N = set.trainPrompts.length / k;
  const grad = new Float32Array(theta.length);
  const delta = new Float32Array(theta.length);
  const weights = new Float32Array(m).fill(f32(1 / (N * m)));
  const perToken = new Float32Array(m);
  const adam = new OptimizerState(theta.length);
  adam.configure({
    optimizer: 'adam',
    momentum: 0,
    beta1: 0.9,
    beta2: 0.999,
    adamEpsilon: 1e-8,
    weightDecay: 0,
    maxGradNorm: null,
    warmupSteps: 0,
    schedule: 'constant',
    iterations: Math.max(1, o.sftMaxSteps),
    stepSize: o.sftLearningRate,
  });
  for (let step = 0; ; step++) {
    grad.fill(0);
    let sum = 0;
    for (let q = 0; q < N; q++) {
      twin.addGradient(theta, set.trainPrompts.subarray(q * k, q * k + k), set.trainTargets.subarray(q * m, q * m + m), weights, grad, perToken);
      let logPi = 0;
      for (let t = 0; t < m; t++) logPi = f32(logPi + perToken[t]);
      sum = f32(sum + f32(Math.exp(logPi)));
    }
    const J = f32(sum / N);
    if (!Number.isFinite(J)) return { steps: step, J, reached: false, diverged: true };
    if (J >= o.J0) return { steps: step, J, reached: true, diverged: false };
    if (step >= o.sftMaxSteps) return { steps: step, J, reached: false, diverged: false };
    if (!adam.step(step, theta, grad, delta)) return { steps: step + 1, J, reached: false, diverged: true };
  }
}
