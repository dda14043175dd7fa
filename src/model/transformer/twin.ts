/**
 * One run's transformer twin: the model with its forward and backward buffers, for scoring and
 * differentiating responses to prompts (SPEC 1.10). A response o to a prompt x of k tokens is
 * the sequence x_1..x_k o_1..o_m; position k−1+t predicts o_{t+1}, and the last token is scored
 * but never fed, so a sequence uses k+m−1 ≤ T positions.
 *
 * @example
 *   const twin = new TransformerTwin(transformerModel(shape, F32));
 *   const logPi = twin.responseLogProb(theta, prompt, response);          // Σ_t log π(o_t | x, o_<t)
 *   twin.addGradient(theta, prompt, response, weights, grad);             // grad += ∇ Σ_t w_t log π(o_t | ·)
 */
import { BackwardScratch, backwardSequence } from './backward.ts';
import { forwardSequence, TransformerActivations, type TransformerModel } from './forward.ts';
import type { Numbers } from './precision.ts';

export class TransformerTwin {
  readonly acts: TransformerActivations;
  readonly scratch: BackwardScratch;
  private readonly tokens: Int32Array;
  constructor(readonly model: TransformerModel) {
    this.acts = new TransformerActivations(model);
    this.scratch = new BackwardScratch(model);
    this.tokens = new Int32Array(model.layout.shape.T);
  }

  private load(prompt: ArrayLike<number>, response: ArrayLike<number>): number {
    const k = prompt.length;
    const n = k + response.length;
    const { T, V } = this.model.layout.shape;
    if (k < 1 || response.length < 1 || n > T) throw new Error(`a prompt of ${k} and a response of ${response.length} tokens do not fit T ${T}`);
    for (let i = 0; i < k; i++) this.tokens[i] = prompt[i];
    for (let t = 0; t < response.length; t++) this.tokens[k + t] = response[t];
    for (let i = 0; i < n; i++) if (!(this.tokens[i] >= 0 && this.tokens[i] < V)) throw new Error(`token ${this.tokens[i]} at ${i} is outside V ${V}`);
    return n;
  }

  /**
   * log π(o | x) = Σ_t r(acc + log π(o_t | x, o_<t)), t ascending; each token's log π to
   * `perToken` when given. Leaves the forward's activations in `acts`.
   */
  responseLogProb(theta: Numbers, prompt: ArrayLike<number>, response: ArrayLike<number>, perToken?: Numbers): number {
    const n = this.load(prompt, response);
    const k = prompt.length;
    const { V } = this.model.layout.shape;
    const r = this.model.precision.round;
    forwardSequence(this.model, theta, this.tokens, n - 1, k - 1, this.acts);
    let sum = 0;
    for (let t = 0; t < response.length; t++) {
      const lp = this.acts.logp[(k - 1 + t) * V + response[t]];
      if (perToken) perToken[t] = lp;
      sum = r(sum + lp);
    }
    return sum;
  }

  /**
   * grad += ∇_θ Σ_t w_t log π(o_t | x, o_<t) (weights[t] for response token t); returns
   * Σ_t w_t log π(o_t | ·). Each token's log π goes to `perToken` when given (the same forward).
   */
  addGradient(theta: Numbers, prompt: ArrayLike<number>, response: ArrayLike<number>, weights: ArrayLike<number>, grad: Numbers, perToken?: Numbers): number {
    const n = this.load(prompt, response);
    const k = prompt.length;
    forwardSequence(this.model, theta, this.tokens, n - 1, k - 1, this.acts);
    if (perToken) for (let t = 0; t < response.length; t++) perToken[t] = this.acts.logp[(k - 1 + t) * this.model.layout.shape.V + response[t]];
    return backwardSequence(this.model, theta, this.tokens, n, k - 1, weights, this.acts, this.scratch, grad);
  }
}
