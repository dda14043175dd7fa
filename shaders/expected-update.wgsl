// The expected update of sequence.wgsl's runs, exactly (no sampling): exact mode's directions ∇J,
// g and E[A·s], and the ‖∇J‖ recorded at every recorded step. Not a module of its own: the host
// concatenates it with sequence.wgsl, whose bindings, workgroup memory and RunInfo it uses.
// Twin: exactCounts in src/engine/sequence-cpu.ts and src/engine/expected-advantage.ts.

// f(1,k) − f(0,k) of the group-std advantage with k successes among the other G−1 responses.
fn groupStdGap(G: u32, k: u32, epsilon: f32, unbiased: bool) -> f32 {
  var out = 0.0;
  for (var r = 0u; r < 2u; r = r + 1u) {
    let m = f32(r + k) / f32(G);
    let num = f32(r) - m;
    var v = m * (1.0 - m);
    if (unbiased) { v = v * f32(G) / f32(G - 1u); }
    var f = 0.0;
    if (num != 0.0) { f = num / (sqrt(v) + epsilon); }
    out = out + select(-f, f, r == 1u);
  }
  return out;
}

// c(J) with E[A·s] = c(J)·∇J (src/engine/expected-advantage.ts).
fn expectedAdvantageFactor(info: RunInfo, J: f32) -> f32 {
  switch info.advantage {
    case 0u, 4u, 5u: { return 1.0; }
    case 1u: { return 1.0 - 1.0 / f32(info.G); }
    default: {
      if (info.G < 2u) { return 0.0; }
      let n = info.G - 1u;
      let unbiased = info.stdUnbiased != 0u;
      if (J <= 0.0) { return groupStdGap(info.G, 0u, info.epsilon, unbiased); }
      if (J >= 1.0) { return groupStdGap(info.G, n, info.epsilon, unbiased); }
      let logJ = log(J);
      let log1J = log(1.0 - J);
      var logChoose = 0.0;
      var total = 0.0;
      for (var k = 0u; k <= n; k = k + 1u) {
        if (k > 0u) { logChoose = logChoose + log(f32(n - k + 1u) / f32(k)); }
        total = total + exp(logChoose + f32(k) * logJ + f32(n - k) * log1J) * groupStdGap(info.G, k, info.epsilon, unbiased);
      }
      return total;
    }
  }
}

fn exactFactor(info: RunInfo, direction: u32, J: f32) -> f32 {
  if (direction == 2u) { return expectedAdvantageFactor(info, J) * info.lengthScale; }
  return 1.0;
}

// Expected C: the success-weighted transition mass, so that Σ (C − n_a π) Φ = ∇J (× the factor of
// `direction`: 0 ∇J, 1 the gap g, 2 E[A·s]).
fn exactCounts(info: RunInfo, local: u32, direction: u32, tid: u32) {
  let PK = info.P * info.K;
  for (var e = tid; e < PK; e = e + WG) { wC[e] = 0.0; }
  workgroupBarrier();
  let J = wJ;
  if (info.rewardKind == 0u) {
    for (var a = tid; a < info.P; a = a + WG) {
      let f = exactFactor(info, direction, wRowJ[a]) / f32(info.P);
      for (var b = 0u; b < info.K; b = b + 1u) {
        if (rewardData[info.rewardOffset + a * info.K + b] != 0u) { wC[a * info.K + b] = wPi[a * info.K + b] * f; }
      }
    }
  } else if (info.prompts > 1u) {
    // SPEC 1.8: each prompt's counts from its start token, weighted by its J_q's factor over N.
    for (var q = 0u; q < info.prompts; q = q + 1u) {
      let Jq = wRowJ[q];
      var f = exactFactor(info, direction, Jq);
      if (info.rewardKind == 1u) { f = Jq * f; }
      tokenExactCounts(info, local, q, info.rewardOffset + q * info.targetLength, f / f32(info.prompts), tid);
    }
  } else if (info.rewardKind == 1u || info.eos == NO_EOS) {
    // One prompt from info.start along the target: exact match (with or without EOS), or final answer without EOS.
    var f = exactFactor(info, direction, J);
    if (info.rewardKind == 1u) { f = J * f; }
    tokenExactCounts(info, local, info.start, info.rewardOffset, f, tid);
  } else {
    eosFinalAnswerCounts(info, local, exactFactor(info, direction, J), tid);
  }
  workgroupBarrier();
  if (direction == 1u) {
    // g = ∇J / (J(1−J)), the gradient of logit J (reconstructed identity, SPEC 1.1).
    let inv = 1.0 / max(J * (1.0 - J), 1e-30);
    for (var e = tid; e < PK; e = e + WG) { wC[e] = wC[e] * inv; }
  }
  workgroupBarrier();
}

// Expected C of one token prompt (start token `start`, its target at rewardData[targetAt…]), times f, added
// to wC: exact match along the target (thread 0; with or without EOS, whose target ends in the stop
// token); final answer without EOS by the chains β_t(b) = P(o_L = y | o_t = b) backward, then
// C += α_{t−1}(a) π(b|a) β_t(b) forward.
fn tokenExactCounts(info: RunInfo, local: u32, start: u32, targetAt: u32, f: f32, tid: u32) {
  let K = info.K;
  let L = info.L;
  if (info.rewardKind == 1u) {
    if (tid == 0u) {
      var prev = start;
      for (var t = 0u; t < info.targetLength; t = t + 1u) {
        let y = rewardData[targetAt + t];
        wC[prev * K + y] = wC[prev * K + y] + f;
        prev = y;
      }
    }
    workgroupBarrier();
    return;
  }
  let beta = local * dispatch.betaStride;
  storageBarrier(); // a previous prompt's reads of β are done before it is rewritten
  workgroupBarrier();
  for (var b = tid; b < K; b = b + WG) {
    scratch[beta + L * K + b] = select(0.0, 1.0, b == rewardData[targetAt + L - 1u]);
    wAlpha[b] = select(0.0, 1.0, b == start);
  }
  storageBarrier();
  workgroupBarrier();
  for (var t = L - 1u; t >= 1u; t = t - 1u) {
    for (var a = tid; a < K; a = a + WG) {
      var acc = 0.0;
      for (var b = 0u; b < K; b = b + 1u) { acc = acc + wPi[a * K + b] * scratch[beta + (t + 1u) * K + b]; }
      scratch[beta + t * K + a] = acc;
    }
    storageBarrier();
  }
  for (var t = 1u; t <= L; t = t + 1u) {
    for (var a = tid; a < info.P; a = a + WG) {
      let fa = wAlpha[a];
      if (fa != 0.0) {
        for (var b = 0u; b < K; b = b + 1u) {
          wC[a * K + b] = wC[a * K + b] + fa * wPi[a * K + b] * scratch[beta + t * K + b] * f;
        }
      }
    }
    workgroupBarrier();
    for (var b = tid; b < K; b = b + WG) {
      var acc = 0.0;
      for (var a = 0u; a < info.P; a = a + 1u) { acc = acc + wAlpha[a] * wPi[a * K + b]; }
      wNext[b] = acc;
    }
    workgroupBarrier();
    for (var b = tid; b < K; b = b + WG) { wAlpha[b] = wNext[b]; }
    workgroupBarrier();
  }
}

// Value of the transition a → b at position t with EOS: 1{a = y} into EOS (the answer, then EOS), else β_t(b).
fn eosValue(info: RunInfo, beta: u32, t: u32, a: u32, b: u32, y: u32) -> f32 {
  if (b == info.eos) { return select(0.0, 1.0, a == y); }
  return scratch[beta + t * info.K + b];
}

// Expected C of final answer with EOS (SPEC 1.7): β_L = 0 (a cut response gets 0),
// β_{t−1}(a) = Σ_b π(b|a) V_t(a, b); C += α_{t−1}(a) π(b|a) V_t(a, b) over the mass not yet ended.
// Twin: eosFinalAnswerCounts in src/engine/sequence-cpu.ts.
fn eosFinalAnswerCounts(info: RunInfo, local: u32, f: f32, tid: u32) {
  let K = info.K;
  let L = info.L;
  let beta = local * dispatch.betaStride;
  let y = answerOf(info);
  for (var b = tid; b < K; b = b + WG) {
    scratch[beta + L * K + b] = 0.0;
    wAlpha[b] = select(0.0, 1.0, b == info.start);
  }
  storageBarrier();
  workgroupBarrier();
  for (var t = L - 1u; t >= 1u; t = t - 1u) {
    for (var a = tid; a < K; a = a + WG) {
      var acc = 0.0;
      for (var b = 0u; b < K; b = b + 1u) { acc = acc + wPi[a * K + b] * eosValue(info, beta, t + 1u, a, b, y); }
      scratch[beta + t * K + a] = acc;
    }
    storageBarrier();
  }
  for (var t = 1u; t <= L; t = t + 1u) {
    for (var a = tid; a < info.P; a = a + WG) {
      let fa = wAlpha[a];
      if (fa != 0.0) {
        for (var b = 0u; b < K; b = b + 1u) {
          wC[a * K + b] = wC[a * K + b] + fa * wPi[a * K + b] * eosValue(info, beta, t, a, b, y) * f;
        }
      }
    }
    workgroupBarrier();
    for (var b = tid; b < K; b = b + WG) {
      var acc = 0.0;
      if (b != info.eos) {
        for (var a = 0u; a < info.P; a = a + 1u) { acc = acc + wAlpha[a] * wPi[a * K + b]; }
      }
      wNext[b] = acc;
    }
    workgroupBarrier();
    for (var b = tid; b < K; b = b + WG) { wAlpha[b] = wNext[b]; }
    workgroupBarrier();
  }
}

// ‖∇J‖ at θ (exact), for the record; clobbers wC, which every step refills.
fn gradientNorm(info: RunInfo, local: u32, tid: u32) -> f32 {
  exactCounts(info, local, 0u, tid);
  computeDirection(info, tid);
  var ss = 0.0;
  for (var k = 0u; k < info.d; k = k + 1u) { ss = ss + wW[k] * wW[k]; }
  return sqrt(ss);
}
