/**
 * CPU twin of `shaders/optimizer.wgsl`: the practitioners' step (SPEC 1.6) after the update
 * direction w is known — gradient-norm clipping, the learning-rate schedule, and SGD, momentum,
 * Adam or AdamW, with PyTorch's and transformers' semantics. The gradient fed to the optimizer is
 * g = −w (w ascends J). Every operation is rounded to f32 as the kernel rounds it, in the
 * kernel's order; only sqrt, division and cos may differ from the GPU in the last bits.
 *
 * @example
 *   const opt = new OptimizerState(d);
 *   opt.configure(p);                          // a run's hyperparameters; m = v = 0
 *   opt.step(step, theta, w, delta);           // θ updated in place; false when θ left the floats
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

/**
 * Per-run optimizer state: m and v (Adam), or the momentum buffer in m; the β powers of the bias
 * corrections; and the run's hyperparameters as f32, read from RunParams once per run by
 * `configure` (a step then reads only this object's own fields, which keeps it cheap in every
 * JavaScript engine).
 */
export class OptimizerState {
  readonly m: Float32Array;
  readonly v: Float32Array;
  private beta1Power = 1;
  private beta2Power = 1;
  private code = 0;
  private stepSize = 0;
  private clip = false;
  private maxGradNorm = 0;
  private lambda = 0;
  private mu = 0;
  private beta1 = 0;
  private beta2 = 0;
  private eps = 0;
  private schedule: Float32Array = new Float32Array(0);
  private scheduleKey = '';
  constructor(d: number) {
    this.m = new Float32Array(d);
    this.v = new Float32Array(d);
  }

  /** Takes a run's hyperparameters and zeroes the state, for a run that starts at step 0. */
  configure(p: OptimizerParams): void {
    this.m.fill(0);
    this.v.fill(0);
    this.beta1Power = 1;
    this.beta2Power = 1;
    this.code = OPTIMIZER_CODE[p.optimizer];
    this.stepSize = f32(p.stepSize);
    this.clip = p.maxGradNorm !== null;
    this.maxGradNorm = f32(p.maxGradNorm ?? 0);
    this.lambda = f32(p.weightDecay);
    this.mu = f32(p.momentum);
    this.beta1 = f32(p.beta1);
    this.beta2 = f32(p.beta2);
    this.eps = f32(p.adamEpsilon);
    const key = `${p.schedule}|${p.warmupSteps}|${p.iterations}`;
    if (key !== this.scheduleKey) [this.schedule, this.scheduleKey] = [scheduleTable(p), key];
  }

  /**
   * One optimizer step at `step` on θ (in place) from the ascent direction w. Returns false
   * when θ left the finite floats. `delta` receives θ_new − θ_old per coordinate (rounded to f32).
   */
  step(step: number, theta: Float32Array, w: Float32Array, delta: Float32Array): boolean {
    const d = theta.length;
    // Scalars, as the kernel's thread 0 computes them.
    const lr = f32(this.stepSize * this.schedule[step]);
    let clip = 1;
    if (this.clip) {
      let ss = 0;
      for (let k = 0; k < d; k++) ss = f32(ss + f32(w[k] * w[k]));
      clip = Math.min(1, f32(this.maxGradNorm / f32(f32(Math.sqrt(ss)) + f32(CLIP_EPSILON))));
    }
    const lambda = this.lambda;
    const code = this.code;
    const beta1 = this.beta1;
    const beta2 = this.beta2;
    let stepSize = lr;
    let bc2Sqrt = 1;
    let decay = 1;
    if (code >= OPTIMIZER_CODE.adam) {
      this.beta1Power = f32(this.beta1Power * beta1);
      this.beta2Power = f32(this.beta2Power * beta2);
      stepSize = f32(lr / f32(1 - this.beta1Power));
      bc2Sqrt = f32(Math.sqrt(f32(1 - this.beta2Power)));
      if (code === OPTIMIZER_CODE.adamw) decay = f32(1 - f32(lr * lambda));
    }
    const mu = this.mu;
    const oneMinusBeta1 = f32(1 - beta1);
    const oneMinusBeta2 = f32(1 - beta2);
    const eps = this.eps;
    const coupled = code !== OPTIMIZER_CODE.adamw && lambda !== 0;
    const m = this.m;
    const v = this.v;
    let finite = true;
    for (let k = 0; k < d; k++) {
      const old = theta[k];
      let g = f32(-w[k] * clip);
      if (coupled) g = f32(g + f32(lambda * old)); // PyTorch: grad.add(param, alpha=weight_decay)
      let next: number;
      if (code === OPTIMIZER_CODE.sgd) next = f32(old - f32(lr * g));
      else if (code === OPTIMIZER_CODE.momentum) {
        const b = f32(f32(mu * m[k]) + g);
        m[k] = b;
        next = f32(old - f32(lr * b));
      } else {
        const decayed = f32(old * decay); // AdamW decays θ before the Adam step, as PyTorch does
        const mk = f32(f32(beta1 * m[k]) + f32(oneMinusBeta1 * g));
        const vk = f32(f32(beta2 * v[k]) + f32(oneMinusBeta2 * f32(g * g)));
        m[k] = mk;
        v[k] = vk;
        const denom = f32(f32(f32(Math.sqrt(vk)) / bc2Sqrt) + eps);
        next = f32(decayed - f32(stepSize * f32(mk / denom)));
      }
      theta[k] = next;
      delta[k] = f32(next - old);
      if (!Number.isFinite(next)) finite = false;
    }
    return finite;
  }
}
