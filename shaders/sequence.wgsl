// One fused training kernel (SPEC 1.3, 2.2): each workgroup owns one run and advances it through
// many SGD steps without leaving the GPU. Its threads split every phase of a step (policy rows,
// sampled responses, count rows, parameter coordinates), and the run's policy table π, weighted
// transition counts C, sampled tokens and θ live in workgroup memory. Twin: src/engine/sequence-cpu.ts.
//
// The host prepends philox.wgsl and appends expected-update.wgsl (exact mode and the recorded ‖∇J‖),
// optimizer.wgsl (clipping, schedules, momentum, Adam, AdamW: SPEC 1.6) and ppo-loop.wgsl (several
// updates per batch, the ratio clip, KL to π_θ0: SPEC 1.9), and replaces the
// MAX_* sizes with the chunk's largest shapes (MAX_OPT is 1 when no run keeps optimizer state).
//
// Step:  π = softmax rows of Φ·θ;  sample B·G responses (Philox counter = (run, step, sample, token));
//        A = advantage, c_j = A_j · scale;  C[a][b] = Σ_j c_j #(a→b in o_j)  (exact mode: its expectation);
//        w_k = Σ_{a,b} (C[a][b] − n_a π[a][b]) Φ[a][b][k];  θ ← θ + η w (plain SGD), or the
//        optimizer's step from g = −w (optimizer.wgsl).
// With EOS (SPEC 1.7) a response stops at the EOS token or is cut at L: the counts cover only its
// tokens, the per-length aggregations scale each response by 1/|o_j| or the batch by 1/Σ|o|, and
// the chains carry an absorbing "ended" state.

const WG: u32 = 64u;

struct RunInfo {
  run: u32,            // global run index: Philox counter word 0
  phiOffset: u32,      // first element of this run's Φ[P][K][d] in `phi`
  rewardOffset: u32,   // first element of its reward table or target in `rewardData`
  thetaOffset: u32,    // first element of its θ in `theta`
  P: u32,
  K: u32,
  d: u32,
  L: u32,
  G: u32,
  B: u32,
  start: u32,          // start state of a token sequence
  rewardKind: u32,     // 0 table (bandit), 1 exact match, 2 final answer
  advantage: u32,      // 0 none, 1 mean, 2 group-std, 3 batch-std, 4 rloo, 5 oracle
  mode: u32,           // 0 sampled, 1 exact
  exactDirection: u32, // 0 ∇J, 1 gap g, 2 E[A·s]
  stdUnbiased: u32,
  epsilon: f32,
  stepSize: f32,
  sampleScale: f32,    // f32(1/(B·G)) · aggregation length scale, rounded as the twin rounds it
  lengthScale: f32,    // aggregation length scale alone (exact expected update)
  plain: u32,          // 1: θ ← θ + η w, no clipping, schedule or decay (today's SGD, bit for bit)
  optimizer: u32,      // 0 sgd, 1 momentum, 2 adam, 3 adamw
  scheduleOffset: u32, // λ(0) of this run's schedule in `scratch`
  clip: u32,           // 1: clip ‖g‖ to maxGradNorm
  maxGradNorm: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  adamEpsilon: f32,
  weightDecay: f32,
  eos: u32,            // the EOS token, or NO_EOS: every response has length L
  targetLength: u32,   // tokens of the target: L, or L* with EOS
  aggregation: u32,    // 0 seq-sum, 1 seq-mean-token-mean, 2 token-mean, 3 constant, 4 constant-no-batch
  prompts: u32,        // token family: N prompts, prompt q starting at token q with its target at q·targetLength (SPEC 1.8); 1 for bandits
  ppo: u32,            // 1: the PPO loop (ppo-loop.wgsl, SPEC 1.9); 0: one on-policy step per batch, today's code
  ppoEpochs: u32,      // μ
  miniBatches: u32,    // M
  updatesPerStep: u32, // optimizer steps per iteration: μ·M in the loop, else 1 (Adam's bias corrections count them)
  clipLow: f32,
  clipHigh: f32,
  dualClip: f32,       // c, or 0 when off
  klCoef: f32,         // β
  klEstimator: u32,    // 0 k3, 1 k1
  ppoScale: f32,       // the mini-batch's sampleScale (B/M groups), as the twin rounds it
};

const NO_EOS: u32 = 0xffffffffu;

struct Dispatch {
  stepBegin: u32,   // first step this dispatch handles
  stepEnd: u32,     // steps stepBegin..stepEnd−1 are updated; stepEnd is recorded only if it is the last
  iterations: u32,
  recordEvery: u32,
  recordCount: u32,
  runCount: u32,
  seed: u32,
  traceStride: u32, // tokens per run-step in tokenTrace; 0 = no trace (tests compare tokens with the twin)
  betaStride: u32,  // floats of β per run in `scratch`: (L+1)·K for final-answer runs
  optBase: u32,     // where the optimizer state starts in `scratch`: [run][m | v][optStride]
  optStride: u32,   // floats of one optimizer-state vector per run; 0 when no run keeps state
  promptBase: u32,  // where each run's J_q(0) starts in `scratch`: [run][MAX_P] (SPEC 1.8: the lost-prompt rule)
  ppoBase: u32,     // where the PPO loop's per-run scratch starts (ppo-loop.wgsl)
  ppoStride: u32,   // its floats per run; 0 when no run of the chunk is in the loop
};

struct RunState {
  minJ: f32,
  finalJ: f32,
  diverged: u32,
  lastUpdateNorm: f32, // ‖Δθ‖ of the step into the current θ, carried from one dispatch to the next
  lastClippedShare: f32, // the clipped share of the batch trained into the current θ (SPEC 1.9), carried likewise
};

@group(0) @binding(0) var<uniform> dispatch: Dispatch;
@group(0) @binding(1) var<storage, read> runs: array<RunInfo>;
@group(0) @binding(2) var<storage, read> phi: array<f32>;
@group(0) @binding(3) var<storage, read> rewardData: array<u32>;
@group(0) @binding(4) var<storage, read_write> theta: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<RunState>;
@group(0) @binding(6) var<storage, read_write> records: array<f32>; // [J | ‖θ‖ | ‖∇J‖ | ‖Δθ‖ | E|o| | mean |o| | passing | failing | solved | lost][record][run]
@group(0) @binding(7) var<storage, read_write> tokenTrace: array<u32>; // [step][run][sample·L + t, then the MAX_B prompt draws]
// One buffer, so the kernel stays within 8 storage buffers: β_t(b) of the final-answer gradient,
// [run][t][b] ((L+1)·K floats would crowd workgroup memory at long L); from optBase the optimizer
// state between dispatches, [run][m | v][optStride]; then the schedules' multipliers λ(step), one
// table of `iterations` floats per schedule in the chunk, from RunInfo.scheduleOffset (optimizer.wgsl).
@group(0) @binding(8) var<storage, read_write> scratch: array<f32>;

var<workgroup> wTheta: array<f32, MAX_D>;
var<workgroup> wPi: array<f32, MAX_PK>;
var<workgroup> wC: array<f32, MAX_PK>;
var<workgroup> wTok: array<u32, MAX_TOK>;
var<workgroup> wReward: array<f32, MAX_S>;
var<workgroup> wLen: array<u32, MAX_S>; // |o_j|, EOS included; L without EOS
var<workgroup> wExpectedLength: f32;
var<workgroup> wCoef: array<f32, MAX_S>;
var<workgroup> wPrompt: array<u32, MAX_B>;
var<workgroup> wOrder: array<u32, MAX_DRAW>; // the prompt draw's partial shuffle (B < prompts), else one unused word
var<workgroup> wRowJ: array<f32, MAX_P>;
var<workgroup> wAlpha: array<f32, MAX_K>;
var<workgroup> wNext: array<f32, MAX_K>;
var<workgroup> wW: array<f32, MAX_D>; // the update direction w, one coordinate per thread
var<workgroup> wJ: f32;
var<workgroup> wBad: atomic<u32>;
var<workgroup> wBadUniform: u32;
var<workgroup> wM: array<f32, MAX_OPT>; // Adam's m or the momentum buffer, one per coordinate of θ
var<workgroup> wV: array<f32, MAX_OPT>; // Adam's v
var<workgroup> wPow1: f32; // β1^t and β2^t of the bias corrections
var<workgroup> wPow2: f32;
var<workgroup> wLr: f32; // this step's scalars, from thread 0
var<workgroup> wClip: f32;
var<workgroup> wStepSize: f32;
var<workgroup> wBc2Sqrt: f32;
var<workgroup> wDecay: f32;
var<workgroup> wUpdateNorm: f32; // ‖Δθ‖ of the step into the current θ
var<workgroup> wClipCount: atomic<u32>; // the PPO loop's clipped token-updates of this batch
var<workgroup> wClippedShare: f32; // of the batch trained into the current θ
var<workgroup> wKl: f32; // exact KL(π_θ ‖ π_ref) at a recorded step

fn isFiniteF32(x: f32) -> bool {
  // Bit test, not x == x: compilers may fold NaN comparisons away.
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// π = softmax rows of Φ·θ, max-subtracted. Logits one thread per table entry (threads read Φ
// rows of consecutive entries), then one thread per row for the softmax.
fn computePolicy(info: RunInfo, tid: u32) {
  for (var e = tid; e < info.P * info.K; e = e + WG) {
    let base = info.phiOffset + e * info.d;
    var logit = 0.0;
    for (var k = 0u; k < info.d; k = k + 1u) {
      logit = logit + phi[base + k] * wTheta[k];
    }
    wPi[e] = logit;
    if (!isFiniteF32(logit)) { atomicStore(&wBad, 1u); }
  }
  workgroupBarrier();
  for (var a = tid; a < info.P; a = a + WG) {
    var mx = wPi[a * info.K];
    for (var b = 1u; b < info.K; b = b + 1u) { mx = max(mx, wPi[a * info.K + b]); }
    var sum = 0.0;
    for (var b = 0u; b < info.K; b = b + 1u) {
      let e = exp(wPi[a * info.K + b] - mx);
      wPi[a * info.K + b] = e;
      sum = sum + e;
    }
    for (var b = 0u; b < info.K; b = b + 1u) {
      wPi[a * info.K + b] = wPi[a * info.K + b] / sum;
    }
  }
}

// Many token prompts (SPEC 1.8): J_q into wRowJ[q] from start token q along its own target, and
// their mean into wJ, summed by thread 0 in prompt order as the twin sums it.
fn promptSuccessRates(info: RunInfo, tid: u32) {
  let K = info.K;
  if (info.rewardKind == 1u) {
    for (var q = tid; q < info.prompts; q = q + WG) {
      var J = 1.0;
      var prev = q;
      for (var t = 0u; t < info.targetLength; t = t + 1u) {
        let y = rewardData[info.rewardOffset + q * info.targetLength + t];
        J = J * wPi[prev * K + y];
        prev = y;
      }
      wRowJ[q] = J;
    }
  } else {
    for (var q = 0u; q < info.prompts; q = q + 1u) {
      for (var b = tid; b < K; b = b + WG) { wAlpha[b] = select(0.0, 1.0, b == q); }
      workgroupBarrier();
      for (var t = 0u; t < info.L; t = t + 1u) {
        for (var b = tid; b < K; b = b + WG) {
          var s = 0.0;
          for (var a = 0u; a < info.P; a = a + 1u) { s = s + wAlpha[a] * wPi[a * K + b]; }
          wNext[b] = s;
        }
        workgroupBarrier();
        for (var b = tid; b < K; b = b + WG) { wAlpha[b] = wNext[b]; }
        workgroupBarrier();
      }
      if (tid == 0u) { wRowJ[q] = wAlpha[rewardData[info.rewardOffset + q * info.targetLength + info.L - 1u]]; }
      workgroupBarrier();
    }
  }
  workgroupBarrier();
  if (tid == 0u) {
    var total = 0.0;
    for (var q = 0u; q < info.prompts; q = q + 1u) { total = total + wRowJ[q]; }
    wJ = total / f32(info.prompts);
  }
}

// Exact J into wJ (and per-prompt J into wRowJ for bandits and many token prompts). Called by all threads.
fn computeSuccessRate(info: RunInfo, tid: u32) {
  if (info.rewardKind != 0u && info.prompts > 1u) {
    promptSuccessRates(info, tid);
  } else if (info.rewardKind == 0u) {
    for (var a = tid; a < info.P; a = a + WG) {
      var row = 0.0;
      for (var b = 0u; b < info.K; b = b + 1u) {
        if (rewardData[info.rewardOffset + a * info.K + b] != 0u) { row = row + wPi[a * info.K + b]; }
      }
      wRowJ[a] = row;
    }
    workgroupBarrier();
    if (tid == 0u) {
      var total = 0.0;
      for (var a = 0u; a < info.P; a = a + 1u) { total = total + wRowJ[a]; }
      wJ = total / f32(info.P);
    }
  } else if (info.rewardKind == 1u) {
    if (tid == 0u) {
      var J = 1.0;
      var prev = info.start;
      for (var t = 0u; t < info.targetLength; t = t + 1u) {
        let y = rewardData[info.rewardOffset + t];
        J = J * wPi[prev * info.K + y];
        prev = y;
      }
      wJ = J;
    }
  } else if (info.eos != NO_EOS) {
    aliveChain(info, tid); // wJ and wExpectedLength
  } else {
    for (var b = tid; b < info.K; b = b + WG) { wAlpha[b] = select(0.0, 1.0, b == info.start); }
    workgroupBarrier();
    for (var t = 0u; t < info.L; t = t + 1u) {
      for (var b = tid; b < info.K; b = b + WG) {
        var s = 0.0;
        for (var a = 0u; a < info.P; a = a + 1u) { s = s + wAlpha[a] * wPi[a * info.K + b]; }
        wNext[b] = s;
      }
      workgroupBarrier();
      for (var b = tid; b < info.K; b = b + WG) { wAlpha[b] = wNext[b]; }
      workgroupBarrier();
    }
    if (tid == 0u) { wJ = wAlpha[rewardData[info.rewardOffset + info.L - 1u]]; }
  }
  workgroupBarrier();
}

// The answer of a final-answer run: the target's last token, or with EOS its token before EOS.
fn answerOf(info: RunInfo) -> u32 {
  if (info.eos == NO_EOS) { return rewardData[info.rewardOffset + info.L - 1u]; }
  return rewardData[info.rewardOffset + info.targetLength - 2u];
}

// The chain with EOS over the mass not yet ended: final answer's J = Σ_t α_t(y) π(EOS|y) into wJ
// (final-answer runs) and E|o| = Σ_{t<L} Σ_a α_t(a) into wExpectedLength; thread 0 sums as the twin does.
fn aliveChain(info: RunInfo, tid: u32) {
  let K = info.K;
  for (var b = tid; b < K; b = b + WG) { wAlpha[b] = select(0.0, 1.0, b == info.start); }
  workgroupBarrier();
  var J = 0.0;
  var length = 0.0;
  var y = 0u;
  if (info.rewardKind == 2u) { y = answerOf(info); }
  for (var t = 0u; t < info.L; t = t + 1u) {
    if (tid == 0u) {
      var alive = 0.0;
      for (var b = 0u; b < K; b = b + 1u) { alive = alive + wAlpha[b]; }
      length = length + alive;
      J = J + wAlpha[y] * wPi[y * K + info.eos];
    }
    for (var b = tid; b < K; b = b + WG) {
      var s = 0.0;
      if (b != info.eos) {
        for (var a = 0u; a < info.P; a = a + 1u) { s = s + wAlpha[a] * wPi[a * K + b]; }
      }
      wNext[b] = s;
    }
    workgroupBarrier();
    for (var b = tid; b < K; b = b + WG) { wAlpha[b] = wNext[b]; }
    workgroupBarrier();
  }
  if (tid == 0u) {
    if (info.rewardKind == 2u) { wJ = J; }
    wExpectedLength = length;
  }
  workgroupBarrier();
}

// Samples B·G responses; one thread per response. Fills wTok, wLen, wReward, wPrompt.
fn sampleResponses(info: RunInfo, local: u32, step: u32, tid: u32) {
  let key = vec2<u32>(dispatch.seed, 0u);
  // Bandit rows, or token prompts (SPEC 1.8): all in order when B is their count, else B distinct ones by a partial
  // Fisher–Yates shuffle on thread 0 (counter word 3 = PROMPT_DRAW), as prompt-draw.ts draws them.
  let count = select(info.prompts, info.P, info.rewardKind == 0u);
  if (info.B < count && !(info.rewardKind != 0u && count == 1u)) {
    if (tid == 0u) {
      for (var q = 0u; q < count; q = q + 1u) { wOrder[q] = q; }
      for (var g = 0u; g < info.B; g = g + 1u) {
        let rest = count - g;
        let u = uniform_from_bits(philox4x32_10(vec4<u32>(info.run, step, g, 0xffffffffu), key).x);
        let pick = g + min(u32(floor(u * f32(rest))), rest - 1u);
        let chosen = wOrder[pick];
        wOrder[pick] = wOrder[g];
        wOrder[g] = chosen;
        wPrompt[g] = chosen;
      }
    }
    workgroupBarrier();
  }
  for (var g = tid; g < info.B; g = g + WG) {
    if (info.rewardKind != 0u && count == 1u) {
      wPrompt[g] = info.start;
    } else if (info.B == count) {
      wPrompt[g] = g;
    }
    if (dispatch.traceStride != 0u && step < dispatch.iterations) {
      // The prompt draws after the tokens of the run-step's trace (its last MAX_B words).
      tokenTrace[(step * dispatch.runCount + local) * dispatch.traceStride + dispatch.traceStride - MAX_B + g] = wPrompt[g];
    }
  }
  workgroupBarrier();
  let n = info.B * info.G;
  let trace = dispatch.traceStride != 0u && step < dispatch.iterations; // the last step's batch is drawn only for the length record
  for (var j = tid; j < n; j = j + WG) {
    let first = wPrompt[j / info.G];
    let promptTarget = info.rewardOffset + select(first * info.targetLength, 0u, info.rewardKind == 0u); // the prompt's own target
    var prev = first;
    var allMatch = true;
    var length = info.L;
    for (var t = 0u; t < info.L; t = t + 1u) {
      let u = uniform_from_bits(philox4x32_10(vec4<u32>(info.run, step, j, t), key).x);
      let row = prev * info.K;
      var acc = 0.0;
      var pick = info.K - 1u; // beyond the rounded CDF's last edge: the last action
      for (var c = 0u; c < info.K; c = c + 1u) {
        acc = acc + wPi[row + c];
        if (u < acc) { pick = c; break; }
      }
      wTok[j * info.L + t] = pick;
      if (trace) {
        tokenTrace[(step * dispatch.runCount + local) * dispatch.traceStride + j * info.L + t] = pick;
      }
      if (info.rewardKind != 0u && (t >= info.targetLength || pick != rewardData[promptTarget + t])) { allMatch = false; }
      if (pick == info.eos) {
        length = t + 1u; // the response ends here: no more draws for it
        break;
      }
      prev = pick;
    }
    wLen[j] = length;
    var r = 0.0;
    if (info.eos != NO_EOS && info.rewardKind != 0u) {
      // Exact match: the whole target, its EOS included; final answer: the token before EOS. Cut: 0.
      let ended = wTok[j * info.L + length - 1u] == info.eos;
      if (info.rewardKind == 1u) {
        r = select(0.0, 1.0, allMatch && length == info.targetLength);
      } else {
        r = select(0.0, 1.0, ended && length >= 2u && wTok[j * info.L + length - 2u] == answerOf(info));
      }
    } else if (info.rewardKind == 0u) {
      r = f32(rewardData[info.rewardOffset + first * info.K + wTok[j * info.L]]);
    } else if (info.rewardKind == 1u) {
      r = select(0.0, 1.0, allMatch);
    } else {
      r = select(0.0, 1.0, wTok[j * info.L + info.L - 1u] == rewardData[promptTarget + info.L - 1u]);
    }
    wReward[j] = r;
  }
  workgroupBarrier();
}

// Advantages × aggregation scale into wCoef (SPEC 1.3 table); thread 0, in the twin's order.
fn computeCoefficients(info: RunInfo, local: u32, tid: u32) {
  if (tid == 0u) {
    let n = info.B * info.G;
    let perLength = info.eos != NO_EOS && (info.aggregation == 1u || info.aggregation == 2u);
    var tokens = 0u; // Σ_j |o_j|, token-mean's normalizer with EOS
    if (perLength) {
      for (var j = 0u; j < n; j = j + 1u) { tokens = tokens + wLen[j]; }
    }
    var batchStd = 0.0;
    if (info.advantage == 3u) {
      var sum = 0.0;
      for (var j = 0u; j < n; j = j + 1u) { sum = sum + wReward[j]; }
      let mean = sum / f32(n);
      var ss = 0.0;
      for (var j = 0u; j < n; j = j + 1u) { ss = ss + (wReward[j] - mean) * (wReward[j] - mean); }
      batchStd = sqrt(ss / f32(select(n, n - 1u, info.stdUnbiased != 0u)));
    }
    for (var g = 0u; g < info.B; g = g + 1u) {
      var sum = 0.0;
      for (var i = 0u; i < info.G; i = i + 1u) { sum = sum + wReward[g * info.G + i]; }
      let mean = sum / f32(info.G);
      var sd = 0.0;
      if (info.advantage == 2u) {
        var ss = 0.0;
        for (var i = 0u; i < info.G; i = i + 1u) {
          let e = wReward[g * info.G + i] - mean;
          ss = ss + e * e;
        }
        sd = sqrt(ss / f32(select(info.G, info.G - 1u, info.stdUnbiased != 0u)));
      }
      var baseline = wJ;
      if (info.rewardKind == 0u || info.prompts > 1u) { baseline = wRowJ[wPrompt[g]]; } // oracle: the drawn prompt's own J
      for (var i = 0u; i < info.G; i = i + 1u) {
        let r = wReward[g * info.G + i];
        var A = r;
        switch info.advantage {
          case 1u: { A = r - mean; }
          case 2u: { A = (r - mean) / (sd + info.epsilon); }
          case 3u: { A = (r - mean) / (batchStd + info.epsilon); }
          case 4u: { A = r - (sum - r) / f32(info.G - 1u); }
          case 5u: { A = r - baseline; }
          default: { }
        }
        var scale = info.sampleScale;
        if (perLength) {
          // SPEC 1.7: seq-mean-token-mean (TRL grpo) 1/(B·G·|o_j|), token-mean (DAPO) 1/Σ|o|.
          if (info.aggregation == 1u) { scale = info.sampleScale / f32(wLen[g * info.G + i]); } else { scale = 1.0 / f32(tokens); }
        }
        wCoef[g * info.G + i] = A * scale;
        if (info.ppo != 0u) { scratch[ppoAdvantageAt(info, local) + g * info.G + i] = A; } // scaled per mini-batch by ppo-loop.wgsl
      }
    }
  }
  workgroupBarrier();
}

// C[a][b] = Σ_j c_j #(a→b in o_j); thread per row, scanning responses in (j, t) order.
fn sampledCounts(info: RunInfo, tid: u32) {
  let n = info.B * info.G;
  for (var a = tid; a < info.P; a = a + WG) {
    for (var b = 0u; b < info.K; b = b + 1u) { wC[a * info.K + b] = 0.0; }
    for (var j = 0u; j < n; j = j + 1u) {
      let c = wCoef[j];
      if (c == 0.0) { continue; }
      var prev = wPrompt[j / info.G];
      for (var t = 0u; t < wLen[j]; t = t + 1u) {
        let b = wTok[j * info.L + t];
        if (prev == a) { wC[a * info.K + b] = wC[a * info.K + b] + c; }
        prev = b;
      }
    }
  }
  workgroupBarrier();
}

// w = Σ_{a,b} (C[a][b] − n_a π[a][b]) Φ[a][b] into wW: D = C − n_a π in place (thread per row),
// then one thread per coordinate of w.
fn computeDirection(info: RunInfo, tid: u32) {
  for (var a = tid; a < info.P; a = a + WG) {
    var n = 0.0;
    for (var b = 0u; b < info.K; b = b + 1u) { n = n + wC[a * info.K + b]; }
    for (var b = 0u; b < info.K; b = b + 1u) {
      wC[a * info.K + b] = wC[a * info.K + b] - n * wPi[a * info.K + b];
    }
  }
  workgroupBarrier();
  for (var k = tid; k < info.d; k = k + WG) {
    var w = 0.0;
    for (var e = 0u; e < info.P * info.K; e = e + 1u) {
      let D = wC[e];
      if (D != 0.0) { w = w + D * phi[info.phiOffset + e * info.d + k]; }
    }
    wW[k] = w;
  }
  workgroupBarrier();
}

// θ_k += η w_k (thread per coordinate), or the optimizer's step. With `wantDelta` (the next step
// is recorded), ‖Δθ‖ of this step into wUpdateNorm.
fn applyUpdate(info: RunInfo, step: u32, wantDelta: bool, tid: u32) {
  computeDirection(info, tid);
  if (info.plain != 0u) {
    for (var k = tid; k < info.d; k = k + WG) {
      let old = wTheta[k];
      let next = old + info.stepSize * wW[k];
      wTheta[k] = next;
      if (wantDelta) { wW[k] = next - old; }
      if (!isFiniteF32(next)) { atomicStore(&wBad, 1u); }
    }
    workgroupBarrier();
  } else {
    optimizerStep(info, step, tid);
  }
  if (wantDelta && tid == 0u) {
    var ss = 0.0;
    for (var k = 0u; k < info.d; k = k + 1u) { ss = ss + wW[k] * wW[k]; }
    wUpdateNorm = sqrt(ss);
  }
}

fn recordIndex(step: u32) -> u32 {
  if (step % dispatch.recordEvery == 0u) { return step / dispatch.recordEvery; }
  return dispatch.recordCount - 1u; // the last step, when it is not a multiple of recordEvery
}

fn recordAt(outputBlock: u32, rec: u32, local: u32) -> u32 {
  return (outputBlock * dispatch.recordCount + rec) * dispatch.runCount + local;
}

fn writeRecord(info: RunInfo, local: u32, rec: u32, J: f32, norm: f32, gradNorm: f32) {
  records[recordAt(0u, rec, local)] = J;
  records[recordAt(1u, rec, local)] = norm;
  records[recordAt(2u, rec, local)] = gradNorm;
  records[recordAt(3u, rec, local)] = wUpdateNorm;
  if (info.eos == NO_EOS) {
    // Every response has length L.
    let L = f32(info.L);
    for (var b = 4u; b < 8u; b = b + 1u) { records[recordAt(b, rec, local)] = L; }
  } else {
    records[recordAt(4u, rec, local)] = wExpectedLength;
  }
  records[recordAt(10u, rec, local)] = wClippedShare;
  if (info.ppo != 0u) { records[recordAt(11u, rec, local)] = wKl; } // NaN outside the loop, as the host started it
}

// Shares of prompts solved (J_q > ½) and lost (J_q < J_q(0)/2) into the record (SPEC 1.8), thread 0.
// J_q(0) is kept in scratch from step 0 (always recorded) for later dispatches. Bandits count their
// P rows; a single token prompt is J itself.
fn recordPromptShares(info: RunInfo, local: u32, rec: u32, step: u32) {
  let n = select(info.prompts, info.P, info.rewardKind == 0u);
  let base = dispatch.promptBase + local * MAX_P;
  var solved = 0u;
  var lost = 0u;
  for (var q = 0u; q < n; q = q + 1u) {
    var Jq = wJ;
    if (info.rewardKind == 0u || n > 1u) { Jq = wRowJ[q]; }
    if (step == 0u) { scratch[base + q] = Jq; }
    if (Jq > 0.5) { solved = solved + 1u; }
    if (Jq < 0.5 * scratch[base + q]) { lost = lost + 1u; }
  }
  records[recordAt(8u, rec, local)] = f32(solved) / f32(n);
  records[recordAt(9u, rec, local)] = f32(lost) / f32(n);
}

// Mean length of the sampled responses, all, passing and failing (NaN when none), thread 0 (SPEC 1.7).
fn recordLengths(info: RunInfo, local: u32, rec: u32) {
  let n = info.B * info.G;
  var all = 0u;
  var passSum = 0u;
  var passing = 0u;
  var fail = 0u;
  for (var j = 0u; j < n; j = j + 1u) {
    all = all + wLen[j];
    if (wReward[j] > 0.0) { passSum = passSum + wLen[j]; passing = passing + 1u; } else { fail = fail + wLen[j]; }
  }
  // No passing (failing) response: the record keeps the NaN the host started it at.
  records[recordAt(5u, rec, local)] = f32(all) / f32(n);
  if (passing > 0u) { records[recordAt(6u, rec, local)] = f32(passSum) / f32(passing); }
  if (n > passing) { records[recordAt(7u, rec, local)] = f32(fail) / f32(n - passing); }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let local = wid.x;
  if (local >= dispatch.runCount) { return; }
  let info = runs[local];
  if (tid == 0u) {
    atomicStore(&wBad, 0u);
    wBadUniform = state[local].diverged;
    wUpdateNorm = state[local].lastUpdateNorm;
    wClippedShare = state[local].lastClippedShare;
  }
  for (var k = tid; k < info.d; k = k + WG) { wTheta[k] = theta[info.thetaOffset + k]; }
  if (workgroupUniformLoad(&wBadUniform) != 0u) { return; }
  if (info.plain == 0u) { loadOptimizer(info, local, tid); }

  for (var step = dispatch.stepBegin; step <= dispatch.stepEnd; step = step + 1u) {
    let last = step == dispatch.iterations;
    if (step == dispatch.stepEnd && !last) { break; } // the next dispatch starts here
    computePolicy(info, tid);
    workgroupBarrier();
    if (info.ppo != 0u && step == 0u) { ppoSetReference(info, local, tid); }
    let isRecord = step % dispatch.recordEvery == 0u || last;
    if (isRecord || info.mode == 1u || info.advantage == 5u) { computeSuccessRate(info, tid); }
    if (isRecord && info.eos != NO_EOS && info.rewardKind != 2u) { aliveChain(info, tid); } // E|o| (final answer has it from J)
    var gradNorm = 0.0;
    if (isRecord) { gradNorm = gradientNorm(info, local, tid); }
    if (isRecord && info.ppo != 0u) { referenceKl(info, local, tid); }
    if (tid == 0u) {
      wBadUniform = atomicLoad(&wBad);
      if (isRecord && wBadUniform == 0u) {
        var ss = 0.0;
        for (var k = 0u; k < info.d; k = k + 1u) { ss = ss + wTheta[k] * wTheta[k]; }
        writeRecord(info, local, recordIndex(step), wJ, sqrt(ss), gradNorm);
        recordPromptShares(info, local, recordIndex(step), step);
        state[local].minJ = min(state[local].minJ, wJ);
        if (last) { state[local].finalJ = wJ; }
      }
    }
    if (workgroupUniformLoad(&wBadUniform) != 0u) { break; }
    if (last) {
      if (info.eos != NO_EOS && info.mode == 0u) {
        // A batch drawn only for the length record (counter step = iterations, never trained on).
        sampleResponses(info, local, step, tid);
        if (tid == 0u) { recordLengths(info, local, recordIndex(step)); }
      }
      break;
    }
    let next = step + 1u;
    let wantDelta = next % dispatch.recordEvery == 0u || next == dispatch.iterations;
    if (info.mode == 0u) {
      sampleResponses(info, local, step, tid);
      if (isRecord && info.eos != NO_EOS && tid == 0u) { recordLengths(info, local, recordIndex(step)); }
      computeCoefficients(info, local, tid);
      if (info.ppo != 0u) {
        ppoIteration(info, local, step, wantDelta, tid); // SPEC 1.9: μ × M updates on this batch
      } else {
        sampledCounts(info, tid);
        applyUpdate(info, step, wantDelta, tid);
      }
    } else {
      exactCounts(info, local, info.exactDirection, tid);
      applyUpdate(info, step, wantDelta, tid);
    }
    if (tid == 0u) { wBadUniform = atomicLoad(&wBad); }
    if (workgroupUniformLoad(&wBadUniform) != 0u) { break; }
  }

  if (tid == 0u) {
    // Diverged: flag it. The host filled final J and the records with NaN; the unreached ones stay so.
    if (wBadUniform != 0u) { state[local].diverged = 1u; }
    state[local].lastUpdateNorm = wUpdateNorm;
    state[local].lastClippedShare = wClippedShare;
  }
  for (var k = tid; k < info.d; k = k + WG) { theta[info.thetaOffset + k] = wTheta[k]; }
  if (info.plain == 0u) { storeOptimizer(info, local, tid); }
}
