// The practitioners' step (SPEC 1.6) after sequence.wgsl has the update direction w in wW:
// gradient-norm clipping, the learning-rate schedule (multipliers from the host), then SGD, momentum, Adam or AdamW, with
// PyTorch's and transformers' semantics on g = −w. Not a module of its own: the host concatenates
// it with sequence.wgsl, whose RunInfo, bindings and workgroup memory it uses. Runs that take plain
// SGD steps never come here. Twin: src/engine/optimizer.ts (same f32 operations, same order).

// Loads the run's optimizer state (m and v, or the momentum buffer in m) into workgroup memory and
// replays the β powers of the bias corrections up to the dispatch's first step.
fn loadOptimizer(info: RunInfo, local: u32, tid: u32) {
  if (info.optimizer != 0u) {
    let base = 2u * local * dispatch.optStride + dispatch.optBase;
    for (var k = tid; k < info.d; k = k + WG) {
      wM[k] = scratch[base + k];
      wV[k] = scratch[base + dispatch.optStride + k];
    }
  }
  if (tid == 0u) {
    var p1 = 1.0;
    var p2 = 1.0;
    if (info.optimizer >= 2u) {
      for (var s = 0u; s < dispatch.stepBegin * info.updatesPerStep; s = s + 1u) { // optimizer steps before this dispatch
        p1 = p1 * info.beta1;
        p2 = p2 * info.beta2;
      }
    }
    wPow1 = p1;
    wPow2 = p2;
  }
}

fn storeOptimizer(info: RunInfo, local: u32, tid: u32) {
  if (info.optimizer != 0u) {
    let base = 2u * local * dispatch.optStride + dispatch.optBase;
    for (var k = tid; k < info.d; k = k + WG) {
      scratch[base + k] = wM[k];
      scratch[base + dispatch.optStride + k] = wV[k];
    }
  }
}

// One optimizer step on wTheta from wW = w; leaves Δθ = θ_new − θ_old in wW.
fn optimizerStep(info: RunInfo, step: u32, tid: u32) {
  if (tid == 0u) {
    // λ(step) comes from the host (transformers' schedule, rounded once to f32): GPU cos may be off by 2^-11.
    let lr = info.stepSize * scratch[info.scheduleOffset + step];
    var clip = 1.0;
    if (info.clip != 0u) {
      var ss = 0.0;
      for (var k = 0u; k < info.d; k = k + 1u) { ss = ss + wW[k] * wW[k]; }
      clip = min(1.0, info.maxGradNorm / (sqrt(ss) + 1e-6)); // torch.nn.utils.clip_grad_norm_
    }
    var stepSize = lr;
    var bc2Sqrt = 1.0;
    var decay = 1.0;
    if (info.optimizer >= 2u) {
      wPow1 = wPow1 * info.beta1;
      wPow2 = wPow2 * info.beta2;
      stepSize = lr / (1.0 - wPow1);
      bc2Sqrt = sqrt(1.0 - wPow2);
      if (info.optimizer == 3u) { decay = 1.0 - lr * info.weightDecay; }
    }
    wLr = lr;
    wClip = clip;
    wStepSize = stepSize;
    wBc2Sqrt = bc2Sqrt;
    wDecay = decay;
  }
  workgroupBarrier();
  let coupled = info.optimizer != 3u && info.weightDecay != 0.0;
  for (var k = tid; k < info.d; k = k + WG) {
    let old = wTheta[k];
    var g = -wW[k] * wClip;
    if (coupled) { g = g + info.weightDecay * old; } // PyTorch: grad.add(param, alpha=weight_decay)
    var next = 0.0;
    if (info.optimizer == 0u) {
      next = old - wLr * g;
    } else if (info.optimizer == 1u) {
      let b = info.momentum * wM[k] + g;
      wM[k] = b;
      next = old - wLr * b;
    } else {
      let decayed = old * wDecay; // AdamW decays θ before the Adam step, as PyTorch does
      let m = info.beta1 * wM[k] + (1.0 - info.beta1) * g;
      let v = info.beta2 * wV[k] + (1.0 - info.beta2) * (g * g);
      wM[k] = m;
      wV[k] = v;
      let denom = sqrt(v) / wBc2Sqrt + info.adamEpsilon;
      next = decayed - wStepSize * (m / denom);
    }
    wTheta[k] = next;
    wW[k] = next - old;
    if (!isFiniteF32(next)) { atomicStore(&wBad, 1u); }
  }
  workgroupBarrier();
}
