// The transformer policy's training loop (SPEC 1.10, 1.3), one thread per run: the supervised warm
// start (full-batch teacher-forced cross-entropy, Adam at PyTorch's defaults, until the training
// set's exact J reaches J0 or sftMaxSteps; twin: src/engine/transformer-sft.ts), then GRPO steps
// (prompt draws, B·G responses sampled with the KV cache by the rounded CDF, exact-match rewards,
// advantages none / mean / group-std, the fixed-length aggregation scale, an optimizer step from
// fresh state, exact J and held-out J at recorded steps; twin: src/engine/transformer-grpo.ts).
// A run's phase, step and record index live in `tok`, so one dispatch advances every run by up to
// `budget` steps (warm-start and GRPO steps alike) and the next dispatch carries on.
//
// The optimizer step is written here per run (one thread walks all of θ): optimizer.wgsl keeps one
// run's θ, w, m and v in workgroup memory and splits coordinates over a workgroup, which a
// transformer's θ does not fit; the operations and their order are optimizer.ts's, as there.
//
// The host prepends the shape's constants, philox.wgsl and transformer.wgsl (transformer-gpu.ts).

struct Dispatch {
  zero: u32,
  runs: u32,
  k: u32,           // prompt length
  m: u32,           // response length
  budget: u32,      // steps per run in this dispatch
  tokStride: u32,   // u32 words of one run's region of `tok`
  exRecords: u32,   // where a run's records start after OFF_EXTRA: [J | held-out J | ‖Δθ‖ | mean reward][recordStride]
  recordStride: u32,
  traceSteps: u32,  // GRPO steps whose draws go to the trace (tests compare them with the twin); 0 for none
  traceStride: u32, // u32 words per traced step: tokens [S·m], their CDF margins' f32 bits [S·m], prompts [B]
  traceMargins: u32, // where a traced step's margins start in its row (S·m of the chunk's largest S)
  tracePrompts: u32, // where its prompts start
};

struct RunInfo {
  run: u32,            // Philox counter word 0
  seed: u32,
  N: u32,              // training prompts
  heldOut: u32,        // held-out prompts
  B: u32,
  G: u32,
  iterations: u32,
  recordEvery: u32,
  sftMaxSteps: u32,
  J0: f32,
  sftLearningRate: f32,
  sftWeight: f32,      // r(1/(N·m)): the token weight of the mean log-likelihood
  advantage: u32,      // 0 none, 1 mean, 2 group-std
  stdUnbiased: u32,
  epsilon: f32,
  scale: f32,          // the aggregation's token scale (transformer-grpo.ts tokenScale)
  optimizer: u32,      // 0 sgd, 1 momentum, 2 adam, 3 adamw
  stepSize: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  adamEpsilon: f32,
  weightDecay: f32,
  clip: u32,
  maxGradNorm: f32,
  scheduleOffset: u32, // λ(0) of the run's schedule in `mem`
  trainPrompts: u32,   // offsets in the run's region of `tok`
  trainTargets: u32,
  heldPrompts: u32,
  heldTargets: u32,
  order: u32,          // N words: the prompt draw's shuffle
  trace: u32,
};

@group(0) @binding(3) var<storage, read> runs: array<RunInfo>;

// Words of a run's region of `tok`: its state, then the sequence the forward reads.
const TOK_PHASE: u32 = 0u;   // 0 warm start, 1 GRPO, 2 done
const TOK_STEP: u32 = 1u;    // the phase's step
const TOK_RECORD: u32 = 2u;  // records written
const TOK_SFT_STEPS: u32 = 3u;
const TOK_SFT_REACHED: u32 = 4u;
const TOK_SFT_DIVERGED: u32 = 5u;
const TOK_DIVERGED: u32 = 6u;
const TOK_SEQ: u32 = 8u;
// Floats after OFF_EXTRA: optimizer β powers, carried values, then token weights and rewards.
const EX_POW1: u32 = 0u;
const EX_POW2: u32 = 1u;
const EX_DELTA_NORM: u32 = 2u;
const EX_REWARD: u32 = 3u;
const EX_SFT_J: u32 = 4u;
const EX_WEIGHTS: u32 = 8u; // m floats, then the rewards of the step's B·G responses

const STREAM_TRAINING: u32 = 0u;
const PROMPT_DRAW: u32 = 0xffffffffu;

fn nan() -> f32 {
  return bitcast<f32>(0x7fc00000u ^ dispatch.zero);
}

// The sequence tok[seq] = prompt ++ response, from offsets in the run's region.
fn loadSequence(tb: u32, prompt: u32, response: u32) {
  for (var i = 0u; i < dispatch.k; i++) { tok[tb + TOK_SEQ + i] = tok[tb + prompt + i]; }
  for (var t = 0u; t < dispatch.m; t++) { tok[tb + TOK_SEQ + dispatch.k + t] = tok[tb + response + t]; }
}

// twin.ts responseLogProb of the loaded sequence: the full forward, Σ_t r(acc + log π(o_t | ·)).
fn sequenceLogProb(base: u32, tb: u32) -> f32 {
  let k = dispatch.k;
  let m = dispatch.m;
  forwardSequence(base, tb + TOK_SEQ, k + m - 1u, k - 1u);
  var sum = 0.0;
  for (var t = 0u; t < m; t++) { sum = sum + mem[base + OFF_LOGP + (k - 1u + t) * V + tok[tb + TOK_SEQ + k + t]]; }
  return sum;
}

// exact.ts teacherForcedSuccessRates(…).mean: Σ_q r(acc + r(exp(log π(y*_q | x_q)))), then r(/count); NaN for none.
fn meanSuccessRate(base: u32, tb: u32, prompts: u32, targets: u32, count: u32) -> f32 {
  if (count == 0u) { return nan(); }
  var sum = 0.0;
  for (var q = 0u; q < count; q++) {
    loadSequence(tb, prompts + q * dispatch.k, targets + q * dispatch.m);
    sum = sum + exp(sequenceLogProb(base, tb));
  }
  return sum / f32(count);
}

// optimizer.ts OptimizerState.step on θ from the ascent direction w (at OFF_GRAD), g = −w; the β
// powers at EX_POW1/2. Returns (1 when θ stayed finite, ‖Δθ‖ as transformer-grpo.ts sums it).
fn optimizerStep(base: u32, code: u32, lr: f32, clipOn: bool, maxGradNorm: f32, mu: f32, beta1: f32, beta2: f32, eps: f32, lambda: f32) -> vec2<f32> {
  let theta = base + OFF_THETA;
  let w = base + OFF_GRAD;
  let ex = base + OFF_EXTRA;
  var clip = 1.0;
  if (clipOn) {
    var ss = 0.0;
    for (var i = 0u; i < NPAR; i++) { ss = ss + rmul(mem[w + i], mem[w + i]); }
    clip = min(1.0, maxGradNorm / (sqrt(ss) + 1e-6));
  }
  var stepSize = lr;
  var bc2Sqrt = 1.0;
  var decay = 1.0;
  if (code >= 2u) {
    mem[ex + EX_POW1] = rmul(mem[ex + EX_POW1], beta1);
    mem[ex + EX_POW2] = rmul(mem[ex + EX_POW2], beta2);
    stepSize = lr / (1.0 - mem[ex + EX_POW1]);
    bc2Sqrt = sqrt(1.0 - mem[ex + EX_POW2]);
    if (code == 3u) { decay = 1.0 - rmul(lr, lambda); }
  }
  let oneMinusBeta1 = 1.0 - beta1;
  let oneMinusBeta2 = 1.0 - beta2;
  let coupled = code != 3u && lambda != 0.0;
  var finite = 1.0;
  var ss = 0.0;
  for (var i = 0u; i < NPAR; i++) {
    let old = mem[theta + i];
    var g = rmul(-mem[w + i], clip);
    if (coupled) { g = g + rmul(lambda, old); }
    var next = 0.0;
    if (code == 0u) {
      next = old - rmul(lr, g);
    } else if (code == 1u) {
      let b = rmul(mu, mem[base + OFF_M + i]) + g;
      mem[base + OFF_M + i] = b;
      next = old - rmul(lr, b);
    } else {
      let decayed = rmul(old, decay);
      let mk = rmul(beta1, mem[base + OFF_M + i]) + rmul(oneMinusBeta1, g);
      let vk = rmul(beta2, mem[base + OFF_V + i]) + rmul(oneMinusBeta2, rmul(g, g));
      mem[base + OFF_M + i] = mk;
      mem[base + OFF_V + i] = vk;
      let denom = sqrt(vk) / bc2Sqrt + eps;
      next = decayed - rmul(stepSize, mk / denom);
    }
    mem[theta + i] = next;
    let delta = next - old;
    ss = ss + rmul(delta, delta);
    if (!isFiniteF32(next)) { finite = 0.0; }
  }
  return vec2<f32>(finite, sqrt(ss));
}

fn resetOptimizer(base: u32) {
  for (var i = 0u; i < NPAR; i++) {
    mem[base + OFF_M + i] = 0.0;
    mem[base + OFF_V + i] = 0.0;
  }
  mem[base + OFF_EXTRA + EX_POW1] = 1.0;
  mem[base + OFF_EXTRA + EX_POW2] = 1.0;
}

// One warm-start step (transformer-sft.ts): J and the gradient of the mean log-likelihood at θ, then
// the end tests, then Adam. Returns true when the warm start ended.
fn warmStartStep(base: u32, tb: u32, info: RunInfo, step: u32) -> bool {
  let ex = base + OFF_EXTRA;
  for (var i = 0u; i < NPAR; i++) { mem[base + OFF_GRAD + i] = 0.0; }
  for (var t = 0u; t < dispatch.m; t++) { mem[ex + EX_WEIGHTS + t] = info.sftWeight; }
  var sum = 0.0;
  for (var q = 0u; q < info.N; q++) {
    loadSequence(tb, info.trainPrompts + q * dispatch.k, info.trainTargets + q * dispatch.m);
    let logPi = sequenceLogProb(base, tb);
    backwardSequence(base, tb + TOK_SEQ, dispatch.k + dispatch.m, dispatch.k - 1u, ex + EX_WEIGHTS);
    sum = sum + exp(logPi);
  }
  let J = sum / f32(info.N);
  mem[ex + EX_SFT_J] = J;
  tok[tb + TOK_SFT_STEPS] = step;
  if (!isFiniteF32(J)) {
    tok[tb + TOK_SFT_DIVERGED] = 1u;
    return true;
  }
  if (J >= info.J0) {
    tok[tb + TOK_SFT_REACHED] = 1u;
    return true;
  }
  if (step >= info.sftMaxSteps) { return true; }
  let r = optimizerStep(base, 2u, info.sftLearningRate, false, 0.0, 0.0, 0.9, 0.999, 1e-8, 0.0);
  if (r.x == 0.0) {
    tok[tb + TOK_SFT_STEPS] = step + 1u;
    tok[tb + TOK_SFT_DIVERGED] = 1u;
    return true;
  }
  return false;
}

// transformer-grpo.ts recordAt: exact J, held-out J, ‖Δθ‖ and mean reward of the step before, at recorded steps.
fn recordAt(base: u32, tb: u32, info: RunInfo, step: u32) {
  if (step % info.recordEvery != 0u && step != info.iterations) { return; }
  let ex = base + OFF_EXTRA;
  let r = tok[tb + TOK_RECORD];
  let at = ex + dispatch.exRecords + r;
  let R = dispatch.recordStride;
  mem[at] = meanSuccessRate(base, tb, info.trainPrompts, info.trainTargets, info.N);
  mem[at + R] = meanSuccessRate(base, tb, info.heldPrompts, info.heldTargets, info.heldOut);
  mem[at + 2u * R] = mem[ex + EX_DELTA_NORM];
  mem[at + 3u * R] = mem[ex + EX_REWARD];
  tok[tb + TOK_RECORD] = r + 1u;
}

// The GRPO loop from fresh optimizer state, and its record at step 0.
fn startGrpo(base: u32, tb: u32, info: RunInfo) {
  resetOptimizer(base);
  mem[base + OFF_EXTRA + EX_DELTA_NORM] = 0.0;
  mem[base + OFF_EXTRA + EX_REWARD] = nan();
  tok[tb + TOK_PHASE] = 1u;
  tok[tb + TOK_STEP] = 0u;
  recordAt(base, tb, info, 0u);
  if (info.iterations == 0u) { tok[tb + TOK_PHASE] = 2u; }
}

// transformer-grpo.ts drawPrompts into tok[order]: a partial Fisher–Yates over the N prompts,
// swap g at counter (run, step, g, PROMPT_DRAW); floor(u·rest) exactly, from u's 24 bits.
fn drawPrompts(tb: u32, info: RunInfo, step: u32) {
  let order = tb + info.order;
  for (var q = 0u; q < info.N; q++) { tok[order + q] = q; }
  if (info.B >= info.N) { return; }
  for (var g = 0u; g < info.B; g++) {
    let bits = philox4x32_10(vec4<u32>(info.run, step, g, PROMPT_DRAW), vec2<u32>(info.seed, STREAM_TRAINING)).x;
    let rest = info.N - g;
    let product = philox_mulhilo(bits >> 8u, rest); // (bits >> 8)·rest / 2^24 = u·rest
    let pick = g + min((product.x << 8u) | (product.y >> 24u), rest - 1u);
    let keep = tok[order + g];
    tok[order + g] = tok[order + pick];
    tok[order + pick] = keep;
  }
}

// One GRPO step (transformer-grpo.ts). Returns (1 when θ stayed finite, ‖Δθ‖).
fn grpoStep(base: u32, tb: u32, info: RunInfo, step: u32) -> vec2<f32> {
  let ex = base + OFF_EXTRA;
  let k = dispatch.k;
  let m = dispatch.m;
  let rewards = ex + EX_WEIGHTS + m;
  // The step's row of the trace holds its responses; past the traced steps, the row after them.
  let row = tb + info.trace + min(step, dispatch.traceSteps) * dispatch.traceStride;
  drawPrompts(tb, info, step);
  let key = vec2<u32>(info.seed, STREAM_TRAINING);
  var passing = 0u;
  for (var g = 0u; g < info.B; g++) {
    let q = tok[tb + info.order + g];
    tok[row + dispatch.tracePrompts + g] = q;
    for (var i = 0u; i < info.G; i++) {
      let j = g * info.G + i;
      for (var t = 0u; t < k; t++) { kvPush(base, tok[tb + info.trainPrompts + q * k + t], t, t == k - 1u); }
      var exact = 1.0;
      for (var t = 0u; t < m; t++) {
        let u = uniform_from_bits(philox4x32_10(vec4<u32>(info.run, step, j, t), key).x);
        let drawn = sampleFromLogProbs(base + OFF_KLOGP, u);
        let token = u32(drawn.x);
        tok[row + j * m + t] = token;
        tok[row + dispatch.traceMargins + j * m + t] = bitcast<u32>(drawn.y);
        if (token != tok[tb + info.trainTargets + q * m + t]) { exact = 0.0; }
        if (t + 1u < m) { kvPush(base, token, k + t, true); }
      }
      mem[rewards + j] = exact;
      if (exact == 1.0) { passing++; }
    }
  }
  mem[ex + EX_REWARD] = f32(passing) / f32(info.B * info.G);
  // Advantages per group, token weights A·scale, and w = Σ_j ∇ Σ_t w_jt log π(o_jt | ·).
  for (var i = 0u; i < NPAR; i++) { mem[base + OFF_GRAD + i] = 0.0; }
  for (var g = 0u; g < info.B; g++) {
    var count = 0.0;
    for (var i = 0u; i < info.G; i++) { count = count + mem[rewards + g * info.G + i]; }
    let mean = count / f32(info.G);
    var sd = 0.0;
    if (info.advantage == 2u) {
      // The twin sums these squares in float64: f32 here may differ in the last bit of std.
      var ss = 0.0;
      for (var i = 0u; i < info.G; i++) {
        let c = mem[rewards + g * info.G + i] - mean;
        ss = ss + rmul(c, c);
      }
      var dof = info.G;
      if (info.stdUnbiased != 0u) { dof = info.G - 1u; }
      sd = sqrt(ss / f32(dof));
    }
    let q = tok[tb + info.order + g];
    for (var i = 0u; i < info.G; i++) {
      let j = g * info.G + i;
      let r = mem[rewards + j];
      var A = r;
      if (info.advantage == 1u) { A = r - mean; }
      if (info.advantage == 2u) { A = (r - mean) / (sd + info.epsilon); }
      let weight = rmul(A, info.scale);
      if (weight == 0.0) { continue; } // adds exactly nothing (an all-equal group under GRPO)
      for (var t = 0u; t < m; t++) { mem[ex + EX_WEIGHTS + t] = weight; }
      loadSequence(tb, info.trainPrompts + q * k, row - tb + j * m);
      forwardSequence(base, tb + TOK_SEQ, k + m - 1u, k - 1u);
      backwardSequence(base, tb + TOK_SEQ, k + m, k - 1u, ex + EX_WEIGHTS);
    }
  }
  let lr = info.stepSize * mem[info.scheduleOffset + step];
  return optimizerStep(base, info.optimizer, lr, info.clip != 0u, info.maxGradNorm, info.momentum, info.beta1, info.beta2, info.adamEpsilon, info.weightDecay);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let local = gid.x;
  if (local >= dispatch.runs) { return; }
  let info = runs[local];
  let base = local * RUN_STRIDE;
  let tb = local * dispatch.tokStride;
  for (var unit = 0u; unit < dispatch.budget; unit++) {
    let phase = tok[tb + TOK_PHASE];
    let step = tok[tb + TOK_STEP];
    if (phase == 2u) { return; }
    if (phase == 0u) {
      if (warmStartStep(base, tb, info, step)) {
        startGrpo(base, tb, info);
      } else {
        tok[tb + TOK_STEP] = step + 1u;
      }
      continue;
    }
    let r = grpoStep(base, tb, info, step);
    mem[base + OFF_EXTRA + EX_DELTA_NORM] = r.y;
    if (r.x == 0.0) {
      tok[tb + TOK_DIVERGED] = 1u;
      tok[tb + TOK_PHASE] = 2u;
      return;
    }
    recordAt(base, tb, info, step + 1u);
    tok[tb + TOK_STEP] = step + 1u;
    if (step + 1u >= info.iterations) { tok[tb + TOK_PHASE] = 2u; }
  }
}
