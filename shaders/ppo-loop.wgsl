// The loop TRL and verl run (SPEC 1.9) on one sampled batch: μ passes × M mini-batches of whole
// prompt groups, each one optimizer step, with the PPO token loss (ratio clip, dual clip, KL to
// π_ref = π_θ0). Not a module of its own: the host appends it to sequence.wgsl, whose RunInfo,
// bindings and workgroup memory it uses. Runs of today's loop (μ·M = 1, β = 0) never come here.
// Twins: src/engine/ppo-loss.ts (the token terms) and src/engine/ppo-update.ts (the updates, the KL).
//
// Per run, in `scratch` from dispatch.ppoBase + local·dispatch.ppoStride:
//   [log π_ref: P·K][log π_old of the sampled tokens: B·G·L][A_j: B·G][θ before the batch: d][KL_a: P]

const K3_CLAMP: f32 = 10.0;

fn ppoBase(local: u32) -> u32 { return dispatch.ppoBase + local * dispatch.ppoStride; }
fn ppoOldAt(info: RunInfo, local: u32) -> u32 { return ppoBase(local) + info.P * info.K; }
fn ppoAdvantageAt(info: RunInfo, local: u32) -> u32 { return ppoOldAt(info, local) + info.B * info.G * info.L; }
fn ppoThetaAt(info: RunInfo, local: u32) -> u32 { return ppoAdvantageAt(info, local) + info.B * info.G; }
fn ppoRowKlAt(info: RunInfo, local: u32) -> u32 { return ppoThetaAt(info, local) + info.d; }

// log π_θ0, kept from step 0.
fn ppoSetReference(info: RunInfo, local: u32, tid: u32) {
  let base = ppoBase(local);
  for (var e = tid; e < info.P * info.K; e = e + WG) { scratch[base + e] = log(wPi[e]); }
  workgroupBarrier();
}

// The token's weight on ∇log π_θ in w = −∇ℓ; `clipped` when the ratio clip zeroed its policy-gradient term (ppo-loss.ts).
struct TokenTerms {
  weight: f32,
  clipped: bool,
};

fn ppoTokenTerms(info: RunInfo, logTheta: f32, logOld: f32, logRef: f32, A: f32) -> TokenTerms {
  let ratio = exp(logTheta - logOld);
  let low = 1.0 - info.clipLow;
  let high = 1.0 + info.clipHigh;
  let clipped = (A > 0.0 && ratio > high) || (A < 0.0 && ratio < low);
  let dualCapped = A < 0.0 && info.dualClip > 0.0 && ratio > info.dualClip;
  var weight = ratio * A;
  if (clipped || dualCapped) { weight = 0.0; }
  if (info.klCoef > 0.0) {
    let delta = logRef - logTheta;
    if (info.klEstimator == 1u) {
      weight = weight - info.klCoef; // k1 = −Δ
    } else {
      let e = exp(delta);
      let k3 = (e - delta) - 1.0;
      if (!(k3 > K3_CLAMP)) { weight = weight + info.klCoef * (e - 1.0); } // clamped at 10: no gradient
    }
  }
  return TokenTerms(weight, clipped);
}

// μ × M updates on the batch in wTok/wLen/wPrompt (sampled at the policy in wPi), advantages in scratch.
// With `wantDelta`, ‖θ after − θ before‖ into wUpdateNorm; the clipped share into wClippedShare.
fn ppoIteration(info: RunInfo, local: u32, step: u32, wantDelta: bool, tid: u32) {
  let n = info.B * info.G;
  let K = info.K;
  let L = info.L;
  let oldAt = ppoOldAt(info, local);
  let advAt = ppoAdvantageAt(info, local);
  let thetaAt = ppoThetaAt(info, local);
  let refAt = ppoBase(local);
  for (var j = tid; j < n; j = j + WG) {
    var prev = wPrompt[j / info.G];
    for (var t = 0u; t < wLen[j]; t = t + 1u) {
      let b = wTok[j * L + t];
      scratch[oldAt + j * L + t] = log(wPi[prev * K + b]);
      prev = b;
    }
  }
  if (wantDelta) {
    for (var k = tid; k < info.d; k = k + WG) { scratch[thetaAt + k] = wTheta[k]; }
  }
  if (tid == 0u) { atomicStore(&wClipCount, 0u); }
  workgroupBarrier();
  let perMini = (info.B / info.miniBatches) * info.G;
  let perLength = info.eos != NO_EOS && (info.aggregation == 1u || info.aggregation == 2u);
  for (var epoch = 0u; epoch < info.ppoEpochs; epoch = epoch + 1u) {
    for (var mini = 0u; mini < info.miniBatches; mini = mini + 1u) {
      if (epoch > 0u || mini > 0u) {
        computePolicy(info, tid);
        workgroupBarrier();
        if (tid == 0u) { wBadUniform = atomicLoad(&wBad); }
        if (workgroupUniformLoad(&wBadUniform) != 0u) { return; }
      }
      let first = mini * perMini;
      var tokens = 0u; // Σ|o| of the mini-batch: token-mean's normalizer with EOS
      if (perLength) {
        for (var j = first; j < first + perMini; j = j + 1u) { tokens = tokens + wLen[j]; }
      }
      // C[a][b] += c_j · weight of each token a → b, a thread per row, in (j, t) order as the twin adds.
      for (var a = tid; a < info.P; a = a + WG) {
        for (var b = 0u; b < K; b = b + 1u) { wC[a * K + b] = 0.0; }
        var clippedHere = 0u;
        for (var j = first; j < first + perMini; j = j + 1u) {
          let A = scratch[advAt + j];
          var c = info.ppoScale;
          if (perLength) {
            if (info.aggregation == 1u) { c = info.ppoScale / f32(wLen[j]); } else { c = 1.0 / f32(tokens); }
          }
          var prev = wPrompt[j / info.G];
          for (var t = 0u; t < wLen[j]; t = t + 1u) {
            let b = wTok[j * L + t];
            if (prev == a) {
              let terms = ppoTokenTerms(info, log(wPi[a * K + b]), scratch[oldAt + j * L + t], scratch[refAt + a * K + b], A);
              if (terms.clipped) { clippedHere = clippedHere + 1u; }
              wC[a * K + b] = wC[a * K + b] + c * terms.weight;
            }
            prev = b;
          }
        }
        if (clippedHere > 0u) { atomicAdd(&wClipCount, clippedHere); }
      }
      workgroupBarrier();
      applyUpdate(info, step, false, tid);
      if (tid == 0u) { wBadUniform = atomicLoad(&wBad); }
      if (workgroupUniformLoad(&wBadUniform) != 0u) { return; }
    }
  }
  if (wantDelta) {
    for (var k = tid; k < info.d; k = k + WG) { wW[k] = wTheta[k] - scratch[thetaAt + k]; }
    workgroupBarrier();
  }
  if (tid == 0u) {
    var seen = 0u;
    for (var j = 0u; j < n; j = j + 1u) { seen = seen + wLen[j]; }
    seen = seen * info.ppoEpochs;
    wClippedShare = select(0.0, f32(atomicLoad(&wClipCount)) / f32(seen), seen > 0u);
    if (wantDelta) {
      var ss = 0.0;
      for (var k = 0u; k < info.d; k = k + 1u) { ss = ss + wW[k] * wW[k]; }
      wUpdateNorm = sqrt(ss);
    }
  }
  workgroupBarrier();
}

// Exact KL(π_θ ‖ π_ref) of a response into wKl (ppo-update.ts referenceKl): KL_a per row, then the
// forward recursion over the mass not yet ended, from each prompt's start; bandits: the mean of KL_a.
fn referenceKl(info: RunInfo, local: u32, tid: u32) {
  let K = info.K;
  let refAt = ppoBase(local);
  let rowAt = ppoRowKlAt(info, local);
  for (var a = tid; a < info.P; a = a + WG) {
    var kl = 0.0;
    for (var b = 0u; b < K; b = b + 1u) {
      let q = wPi[a * K + b];
      if (q > 0.0) { kl = kl + q * (log(q) - scratch[refAt + a * K + b]); }
    }
    scratch[rowAt + a] = kl;
  }
  workgroupBarrier();
  if (info.rewardKind == 0u) {
    if (tid == 0u) {
      var total = 0.0;
      for (var a = 0u; a < info.P; a = a + 1u) { total = total + scratch[rowAt + a]; }
      wKl = total / f32(info.P);
    }
    workgroupBarrier();
    return;
  }
  let starts = max(info.prompts, 1u);
  var total = 0.0;
  for (var q = 0u; q < starts; q = q + 1u) {
    let start = select(info.start, q, info.prompts > 1u);
    for (var b = tid; b < K; b = b + WG) { wAlpha[b] = select(0.0, 1.0, b == start); }
    workgroupBarrier();
    var kl = 0.0;
    for (var t = 0u; t < info.L; t = t + 1u) {
      if (tid == 0u) {
        var s = 0.0;
        for (var a = 0u; a < info.P; a = a + 1u) { s = s + wAlpha[a] * scratch[rowAt + a]; }
        kl = kl + s;
      }
      for (var b = tid; b < K; b = b + WG) {
        var m = 0.0;
        if (b != info.eos) {
          for (var a = 0u; a < info.P; a = a + 1u) { m = m + wAlpha[a] * wPi[a * K + b]; }
        }
        wNext[b] = m;
      }
      workgroupBarrier();
      for (var b = tid; b < K; b = b + WG) { wAlpha[b] = wNext[b]; }
      workgroupBarrier();
    }
    total = total + kl;
  }
  if (tid == 0u) { wKl = total / f32(starts); }
  workgroupBarrier();
}
