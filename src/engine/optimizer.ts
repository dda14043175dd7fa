/**
 * CPU twin of `shaders/optimizer.wgsl`: the practitioners' step (SPEC 1.6) after the update
 * direction w is known — gradient-norm clipping, the learning-rate schedule, and SGD, momentum,
 * Adam or AdamW, with PyTorch's and transformers' semantics. The gradient fed to the optimizer is
 * g = −w (w ascends J). Every operation is rounded to f32 as the kernel rounds it, in the
 * kernel's order; only sqrt, division and cos may differ from the GPU in the last bits.
 *
 * @example
 *   const opt = new OptimizerState(d, p);
 *   opt.begin(0);                       // β powers for the first step
 *   opt.step(p, step, theta, w);        // θ updated in place; returns false when θ left the floats
 */
import type { RunParams } from '../spec/index.ts';

const f32 = Math.fround;
/** Added to ‖g‖ before dividing, as torch.nn.utils.clip_grad_norm_ does. */
export const CLIP_EPSILON = 1e-6;

export const OPTIMIZER_CODE = { sgd: 0, momentum: 1, adam: 2, adamw: 3 } as const;

type OptimizerParams = Pick<
  RunParams,
  'optimizer' | 'momentum' | 'beta1' | 'beta2' | 'adamEpsilon' | 'weightDecay' | 'maxGradNorm' | 'warmupSteps' | 'schedule' | 'iterations' | 'stepSize'
>;

/**
 * transformers' LambdaLR multiplier for the optimizer step `step` (0-based: the first step uses
 * λ(0)): a linear warmup from 0 over W steps, then constant, linear to 0 at T, or half a cosine to
 * 0 at T (`get_scheduler`, num_cycles 0.5). Computed in float64 and rounded once to f32; the GPU
 * host uploads these same values (WGSL's cos may be off by 2^-11, which near the end of a cosine
 * schedule is most of λ).
 */
export function scheduleMultiplier(p: Pick<RunParams, 'warmupSteps' | 'schedule' | 'iterations'>, step: number): number {
  const W = p.warmupSteps;
  const T = p.iterations;
  if (step < W) return f32(step / Math.max(1, W));
  if (p.schedule === 'constant') return 1;
  const span = Math.max(1, T - W);
  if (p.schedule === 'linear') return f32(Math.max(0, (T - step) / span));
  return f32(Math.max(0, 0.5 * (1 + Math.cos((Math.PI * (step - W)) / span))));
}

/** λ(0..T−1) of a run's schedule, as the kernel reads them. */
export function scheduleTable(p: Pick<RunParams, 'warmupSteps' | 'schedule' | 'iterations'>): Float32Array {
  return Float32Array.from({ length: p.iterations }, (_, step) => scheduleMultiplier(p, step));
}

/** Per-run optimizer state: m and v (Adam), or the momentum buffer in m; the β powers of the bias corrections. */
export class OptimizerState {
  readonly m: Float32Array;
  readonly v: Float32Array;
  private beta1Power = 1;
  private beta2Power = 1;
  constructor(d: number) {
    this.m = new Float32Array(d);
    this.v = new Float32Array(d);
  }

  /** Zeroes the state for a run that starts at step 0. */
  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.beta1Power = 1;
    this.beta2Power = 1;
  }

  /**
   * One optimizer step at `step` on θ (in place) from the ascent direction w. Returns false
   * when θ left the finite floats. `delta` receives θ_new − θ_old per coordinate (rounded to f32).
   */
  step(p: OptimizerParams, step: number, theta: Float32Array, w: Float32Array, delta: Float32Array): boolean {
    const d = theta.length;
    // Scalars, as the kernel's thread 0 computes them.
    const lr = f32(f32(p.stepSize) * scheduleMultiplier(p, step));
    let clip = 1;
    if (p.maxGradNorm !== null) {
      let ss = 0;
      for (let k = 0; k < d; k++) ss = f32(ss + f32(w[k] * w[k]));
      clip = Math.min(1, f32(f32(p.maxGradNorm) / f32(f32(Math.sqrt(ss)) + f32(CLIP_EPSILON))));
    }
    const lambda = f32(p.weightDecay);
    const code = OPTIMIZER_CODE[p.optimizer];
    const adam = code >= OPTIMIZER_CODE.adam;
    let stepSize = lr;
    let bc2Sqrt = 1;
    let decay = 1;
    const beta1 = f32(p.beta1);
    const beta2 = f32(p.beta2);
    if (adam) {
      this.beta1Power = f32(this.beta1Power * beta1);
      this.beta2Power = f32(this.beta2Power * beta2);
      stepSize = f32(lr / f32(1 - this.beta1Power));
      bc2Sqrt = f32(Math.sqrt(f32(1 - this.beta2Power)));
      if (code === OPTIMIZER_CODE.adamw) decay = f32(1 - f32(lr * lambda));
    }
    const mu = f32(p.momentum);
    const oneMinusBeta1 = f32(1 - beta1);
    const oneMinusBeta2 = f32(1 - beta2);
    const eps = f32(p.adamEpsilon);
    const coupled = code !== OPTIMIZER_CODE.adamw && lambda !== 0;
    let finite = true;
    for (let k = 0; k < d; k++) {
      const old = theta[k];
      let g = f32(-w[k] * clip);
      if (coupled) g = f32(g + f32(lambda * old)); // PyTorch: grad.add(param, alpha=weight_decay)
      let next: number;
      if (code === OPTIMIZER_CODE.sgd) next = f32(old - f32(lr * g));
      else if (code === OPTIMIZER_CODE.momentum) {
        const b = f32(f32(mu * this.m[k]) + g);
        this.m[k] = b;
        next = f32(old - f32(lr * b));
      } else {
        const decayed = f32(old * decay); // AdamW decays θ before the Adam step, as PyTorch does
        const m = f32(f32(beta1 * this.m[k]) + f32(oneMinusBeta1 * g));
        const v = f32(f32(beta2 * this.v[k]) + f32(oneMinusBeta2 * f32(g * g)));
        this.m[k] = m;
        this.v[k] = v;
        const denom = f32(f32(f32(Math.sqrt(v)) / bc2Sqrt) + eps);
        next = f32(decayed - f32(stepSize * f32(m / denom)));
      }
      theta[k] = next;
      delta[k] = f32(next - old);
      if (!Number.isFinite(next)) finite = false;
    }
    return finite;
  }
}
