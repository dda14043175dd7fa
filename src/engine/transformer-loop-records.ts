/**
 * What the transformer's RL loop records at a recorded step (the per-record outputs of
 * run-outputs.ts, SPEC 1.4, 1.8), all exact by teacher forcing on the training set:
 * - J = mean_q J(x_q) and held-out J;
 * - ‖∇J‖ with ∇J = (1/N) Σ_q J_q ∇log π(y*_q | x_q), and the gradient gap ‖g‖ = ‖∇J‖ / (J(1−J))
 *   as run-outputs.ts derives gapNorm (the mixture's gap; NaN where J rounds to 0 or 1);
 * - the shares of prompts solved (J_q > ½) and lost (J_q < J_q(0)/2), as the log-linear twin counts them;
 * - ‖θ‖.
 */
import { teacherForcedSuccessRates, type TaskSet, type TransformerTwin } from '../model/index.ts';

const f32 = Math.fround;

/** One recorded step's exact values. */
export interface ExactRecord {
  J: number;
  heldOutJ: number;
  gradientNorm: number;
  gapNorm: number;
  solvedShare: number;
  lostShare: number;
  thetaNorm: number;
}

/** The exact records of a run; keeps J_q(0) of each prompt for the lost-prompt rule. */
export class ExactRecorder {
  private readonly initialPromptJ: Float32Array;
  private readonly grad: Float32Array;
  private readonly weights: Float32Array;
  private first = true;
  constructor(
    private readonly twin: TransformerTwin,
    private readonly set: TaskSet,
  ) {
    this.initialPromptJ = new Float32Array(set.trainPrompts.length / set.promptLength);
    this.grad = new Float32Array(twin.model.layout.size);
    this.weights = new Float32Array(set.responseLength);
  }

  /** The record of θ; the first call's J_q are J_q(0). */
  record(theta: Float32Array): ExactRecord {
    const { twin, set } = this;
    const k = set.promptLength;
    const m = set.responseLength;
    const train = teacherForcedSuccessRates(twin, theta, set.trainPrompts, set.trainTargets, k, m);
    const heldOut = teacherForcedSuccessRates(twin, theta, set.heldOutPrompts, set.heldOutTargets, k, m);
    const N = train.perPrompt.length;
    // ∇J = Σ_q ∇J_q / N with ∇J_q = J_q ∇log π(y*_q | x_q): token weights f32(J_q / N).
    this.grad.fill(0);
    let solved = 0;
    let lost = 0;
    for (let q = 0; q < N; q++) {
      const Jq = train.perPrompt[q];
      if (this.first) this.initialPromptJ[q] = Jq;
      if (Jq > 0.5) solved++;
      if (Jq < 0.5 * this.initialPromptJ[q]) lost++;
      const weight = f32(Jq / N);
      if (weight === 0) continue;
      this.weights.fill(weight);
      twin.addGradient(theta, set.trainPrompts.subarray(q * k, q * k + k), set.trainTargets.subarray(q * m, q * m + m), this.weights, this.grad);
    }
    this.first = false;
    let gg = 0;
    for (let i = 0; i < this.grad.length; i++) gg += this.grad[i] * this.grad[i];
    let tt = 0;
    for (let i = 0; i < theta.length; i++) tt += theta[i] * theta[i];
    const J = train.mean;
    const gradientNorm = f32(Math.sqrt(gg));
    return {
      J,
      heldOutJ: heldOut.mean,
      gradientNorm,
      gapNorm: J > 0 && J < 1 ? f32(gradientNorm / (J * (1 - J))) : NaN,
      solvedShare: f32(solved / N),
      lostShare: f32(lost / N),
      thetaNorm: f32(Math.sqrt(tt)),
    };
  }
}
