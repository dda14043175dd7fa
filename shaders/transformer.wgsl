// The transformer policy's model functions (SPEC 1.10) for one thread per run: the full forward,
// the KV-cache forward, the backward and rounded-CDF sampling. Twin: src/model/transformer/
// (ops.ts, forward.ts, kv-cache.ts, backward.ts), in its order of rounding: every sum runs over its
// index ascending as r(acc + r(a·b)). One thread per run makes that order the twin's with no
// reduction trees. Every product goes through `rmul`, whose xor with a runtime zero hides the
// product from the compiler, so no driver can contract a product and an add into one fused
// multiply-add (a single rounding where the twin rounds twice). exp, log, sqrt and division are
// WGSL's: they may differ from JavaScript's in the last bits (the browser test counts where).
//
// Not a module of its own: the host prepends the shape's constants (src/engine/transformer-gpu-
// layout.ts: V, D, T, …, OFF_* and LA_* offsets inside a run's region of `mem`) and appends an
// entry point that declares `struct Dispatch` with a `zero: u32` field (always 0).

@group(0) @binding(0) var<uniform> dispatch: Dispatch;
// Every run's θ, gradient, optimizer state and activations, RUN_STRIDE floats per run.
@group(0) @binding(1) var<storage, read_write> mem: array<f32>;
// Every run's token rows (the sequence the forward reads, then the entry's own token scratch).
@group(0) @binding(2) var<storage, read_write> tok: array<u32>;

const RMS_EPSILON: f32 = 1e-5;

// One rounded product that no compiler may fuse with the add it feeds (dispatch.zero is 0).
fn rmul(a: f32, b: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(a * b) ^ dispatch.zero);
}

fn negInf() -> f32 {
  return bitcast<f32>(0xff800000u ^ dispatch.zero);
}

fn isFiniteF32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// Offset of block j (0 wq, 1 wk, 2 wv, 3 wo, 4 w1, 5 w2) of layer l inside θ.
fn blockOf(l: u32, j: u32) -> u32 {
  let b = LAYER_BLOCKS;
  return b[l * 6u + j];
}

// ops.ts rmsNorm: y = x·inv, inv = 1/√(mean(x²) + ε); returns inv.
fn rmsNorm(x: u32, y: u32) -> f32 {
  var ss = 0.0;
  for (var i = 0u; i < D; i++) { let xi = mem[x + i]; ss = ss + rmul(xi, xi); }
  let inv = 1.0 / sqrt(ss / f32(D) + RMS_EPSILON);
  for (var i = 0u; i < D; i++) { mem[y + i] = rmul(mem[x + i], inv); }
  return inv;
}

// ops.ts rmsNormBackward.
fn rmsNormBackward(x: u32, inv: f32, dy: u32, dx: u32) {
  var dot = 0.0;
  for (var j = 0u; j < D; j++) { dot = dot + rmul(mem[dy + j], mem[x + j]); }
  let c = rmul(rmul(dot, inv), rmul(inv, inv)) / f32(D);
  for (var i = 0u; i < D; i++) { mem[dx + i] = rmul(mem[dy + i], inv) - rmul(mem[x + i], c); }
}

// ops.ts rowTimesMatrix: y = a·W (W rows × cols, row-major).
fn rowTimesMatrix(a: u32, w: u32, rows: u32, cols: u32, y: u32) {
  for (var j = 0u; j < cols; j++) { mem[y + j] = 0.0; }
  for (var i = 0u; i < rows; i++) {
    let ai = mem[a + i];
    let row = w + i * cols;
    for (var j = 0u; j < cols; j++) { mem[y + j] = mem[y + j] + rmul(ai, mem[row + j]); }
  }
}

// ops.ts relu (a NaN stays NaN).
fn relu(z: u32, n: u32) {
  for (var j = 0u; j < n; j++) { if (mem[z + j] < 0.0) { mem[z + j] = 0.0; } }
}

// ops.ts rowTimesTransposed: da = dy·Wᵀ.
fn rowTimesTransposed(dy: u32, w: u32, rows: u32, cols: u32, da: u32) {
  for (var i = 0u; i < rows; i++) {
    let row = w + i * cols;
    var acc = 0.0;
    for (var j = 0u; j < cols; j++) { acc = acc + rmul(mem[dy + j], mem[row + j]); }
    mem[da + i] = acc;
  }
}

// ops.ts addOuterProduct: gW += aᵀ·dy.
fn addOuterProduct(a: u32, dy: u32, rows: u32, cols: u32, g: u32) {
  for (var i = 0u; i < rows; i++) {
    let ai = mem[a + i];
    let row = g + i * cols;
    for (var j = 0u; j < cols; j++) { mem[row + j] = mem[row + j] + rmul(ai, mem[dy + j]); }
  }
}

// ops.ts attend: the query at position p over keys and values 0..p (rows of D at K and Vs).
fn attend(q: u32, K: u32, Vs: u32, p: u32, probs: u32, headStride: u32, o: u32) {
  for (var h = 0u; h < HEADS; h++) {
    let col = h * DH;
    let pb = probs + h * headStride;
    var m = negInf();
    for (var u = 0u; u <= p; u++) {
      var dot = 0.0;
      for (var i = 0u; i < DH; i++) { dot = dot + rmul(mem[q + col + i], mem[K + u * D + col + i]); }
      let s = rmul(dot, SCALE);
      mem[pb + u] = s;
      if (s > m) { m = s; }
    }
    var Z = 0.0;
    for (var u = 0u; u <= p; u++) {
      let e = exp(mem[pb + u] - m);
      mem[pb + u] = e;
      Z = Z + e;
    }
    for (var u = 0u; u <= p; u++) { mem[pb + u] = mem[pb + u] / Z; }
    for (var i = 0u; i < DH; i++) { mem[o + col + i] = 0.0; }
    for (var u = 0u; u <= p; u++) {
      let pu = mem[pb + u];
      for (var i = 0u; i < DH; i++) { mem[o + col + i] = mem[o + col + i] + rmul(pu, mem[Vs + u * D + col + i]); }
    }
  }
}

// ops.ts logSoftmaxLogits: log π over the vocabulary from the final normed row f (tied embedding).
fn logSoftmaxLogits(f: u32, E: u32, logp: u32) {
  var m = negInf();
  for (var v = 0u; v < V; v++) {
    let row = E + v * D;
    var acc = 0.0;
    for (var i = 0u; i < D; i++) { acc = acc + rmul(mem[f + i], mem[row + i]); }
    mem[logp + v] = acc;
    if (acc > m) { m = acc; }
  }
  var Z = 0.0;
  for (var v = 0u; v < V; v++) { Z = Z + exp(mem[logp + v] - m); }
  let lse = m + log(Z);
  for (var v = 0u; v < V; v++) { mem[logp + v] = mem[logp + v] - lse; }
}

// forward.ts forwardSequence over the run's tokens tok[toks..toks+n−1]: log π rows first … n−1 at OFF_LOGP.
fn forwardSequence(base: u32, toks: u32, n: u32, first: u32) {
  let theta = base + OFF_THETA;
  let x0 = base + OFF_X;
  for (var p = 0u; p < n; p++) {
    let t = tok[toks + p];
    for (var i = 0u; i < D; i++) { mem[x0 + p * D + i] = mem[theta + OFF_E + t * D + i] + mem[theta + OFF_P + p * D + i]; }
  }
  let y = base + OFF_ROW;
  for (var l = 0u; l < LAYERS; l++) {
    let A = base + OFF_LAYER + l * LAYER_STRIDE;
    let x = base + OFF_X + l * T * D;
    let out = x + T * D;
    for (var p = 0u; p < n; p++) {
      mem[A + LA_INV1 + p] = rmsNorm(x + p * D, A + LA_A1 + p * D);
      rowTimesMatrix(A + LA_A1 + p * D, theta + blockOf(l, 0u), D, D, A + LA_Q + p * D);
      rowTimesMatrix(A + LA_A1 + p * D, theta + blockOf(l, 1u), D, D, A + LA_K + p * D);
      rowTimesMatrix(A + LA_A1 + p * D, theta + blockOf(l, 2u), D, D, A + LA_V + p * D);
    }
    for (var p = 0u; p < n; p++) {
      attend(A + LA_Q + p * D, A + LA_K, A + LA_V, p, A + LA_PROBS + p * T, T * T, A + LA_O + p * D);
      rowTimesMatrix(A + LA_O + p * D, theta + blockOf(l, 3u), D, D, y);
      for (var i = 0u; i < D; i++) { mem[A + LA_H1 + p * D + i] = mem[x + p * D + i] + mem[y + i]; }
      mem[A + LA_INV2 + p] = rmsNorm(A + LA_H1 + p * D, A + LA_A2 + p * D);
      rowTimesMatrix(A + LA_A2 + p * D, theta + blockOf(l, 4u), D, 4u * D, A + LA_Z + p * 4u * D);
      relu(A + LA_Z + p * 4u * D, 4u * D);
      rowTimesMatrix(A + LA_Z + p * 4u * D, theta + blockOf(l, 5u), 4u * D, D, y);
      for (var i = 0u; i < D; i++) { mem[out + p * D + i] = mem[A + LA_H1 + p * D + i] + mem[y + i]; }
    }
  }
  let xF = base + OFF_X + LAYERS * T * D;
  for (var p = first; p < n; p++) {
    mem[base + OFF_INVF + p] = rmsNorm(xF + p * D, base + OFF_F + p * D);
    logSoftmaxLogits(base + OFF_F + p * D, theta + OFF_E, base + OFF_LOGP + p * V);
  }
}

// backward.ts backwardSequence: grad += ∇ Σ_p w_p log π(tok[p+1] | tok[0..p]) over p = first … n−2,
// weights w_p at mem[weights + p − first]; the forward's activations over n − 1 positions must be in
// place. Returns Σ_p r(acc + r(w_p log π)).
fn backwardSequence(base: u32, toks: u32, n: u32, first: u32, weights: u32) -> f32 {
  let theta = base + OFF_THETA;
  let grad = base + OFF_GRAD;
  let E = OFF_E;
  let fed = n - 1u;
  let dx = base + OFF_DX;
  let dh1 = base + OFF_DH1;
  let dq = base + OFF_DQ;
  let dk = base + OFF_DK;
  let dv = base + OFF_DV;
  let dO = base + OFF_DO;
  let dRow = base + OFF_DROW;
  let dRow2 = base + OFF_DROW2;
  let dz = base + OFF_DZ;
  let dl = base + OFF_DL;
  let dp = base + OFF_DP;
  for (var i = 0u; i < fed * D; i++) { mem[dx + i] = 0.0; }
  var value = 0.0;
  for (var p = first; p < fed; p++) {
    let w = mem[weights + p - first];
    let o = tok[toks + p + 1u];
    let row = base + OFF_LOGP + p * V;
    value = value + rmul(w, mem[row + o]);
    for (var v = 0u; v < V; v++) {
      var one = 0.0;
      if (v == o) { one = 1.0; }
      mem[dl + v] = rmul(w, one - exp(mem[row + v]));
    }
    for (var v = 0u; v < V; v++) {
      for (var i = 0u; i < D; i++) {
        let g = grad + E + v * D + i;
        mem[g] = mem[g] + rmul(mem[dl + v], mem[base + OFF_F + p * D + i]);
      }
    }
    rowTimesMatrix(dl, theta + E, V, D, dRow);
    rmsNormBackward(base + OFF_X + LAYERS * T * D + p * D, mem[base + OFF_INVF + p], dRow, dx + p * D);
  }
  for (var ll = 0u; ll < LAYERS; ll++) {
    let l = LAYERS - 1u - ll;
    let A = base + OFF_LAYER + l * LAYER_STRIDE;
    let xIn = base + OFF_X + l * T * D;
    let wq = blockOf(l, 0u);
    let wk = blockOf(l, 1u);
    let wv = blockOf(l, 2u);
    let wo = blockOf(l, 3u);
    let w1 = blockOf(l, 4u);
    let w2 = blockOf(l, 5u);
    for (var p = 0u; p < fed; p++) {
      rowTimesTransposed(dx + p * D, theta + w2, 4u * D, D, dz);
      addOuterProduct(A + LA_Z + p * 4u * D, dx + p * D, 4u * D, D, grad + w2);
      for (var j = 0u; j < 4u * D; j++) { if (!(mem[A + LA_Z + p * 4u * D + j] > 0.0)) { mem[dz + j] = 0.0; } }
      addOuterProduct(A + LA_A2 + p * D, dz, D, 4u * D, grad + w1);
      rowTimesTransposed(dz, theta + w1, D, 4u * D, dRow);
      rmsNormBackward(A + LA_H1 + p * D, mem[A + LA_INV2 + p], dRow, dRow2);
      for (var i = 0u; i < D; i++) { mem[dh1 + p * D + i] = mem[dx + p * D + i] + mem[dRow2 + i]; }
    }
    for (var p = 0u; p < fed; p++) {
      rowTimesTransposed(dh1 + p * D, theta + wo, D, D, dO + p * D);
      addOuterProduct(A + LA_O + p * D, dh1 + p * D, D, D, grad + wo);
    }
    for (var i = 0u; i < fed * D; i++) {
      mem[dq + i] = 0.0;
      mem[dk + i] = 0.0;
      mem[dv + i] = 0.0;
    }
    for (var p = 0u; p < fed; p++) {
      for (var h = 0u; h < HEADS; h++) {
        let col = h * DH;
        let pb = A + LA_PROBS + h * T * T + p * T;
        var sum = 0.0;
        for (var u = 0u; u <= p; u++) {
          let pu = mem[pb + u];
          var acc = 0.0;
          for (var i = 0u; i < DH; i++) {
            acc = acc + rmul(mem[dO + p * D + col + i], mem[A + LA_V + u * D + col + i]);
            let at = dv + u * D + col + i;
            mem[at] = mem[at] + rmul(pu, mem[dO + p * D + col + i]);
          }
          mem[dp + u] = acc;
          sum = sum + rmul(pu, acc);
        }
        for (var u = 0u; u <= p; u++) {
          let ds = rmul(rmul(mem[pb + u], mem[dp + u] - sum), SCALE);
          for (var i = 0u; i < DH; i++) {
            let qa = dq + p * D + col + i;
            mem[qa] = mem[qa] + rmul(ds, mem[A + LA_K + u * D + col + i]);
            let ka = dk + u * D + col + i;
            mem[ka] = mem[ka] + rmul(ds, mem[A + LA_Q + p * D + col + i]);
          }
        }
      }
    }
    for (var p = 0u; p < fed; p++) {
      addOuterProduct(A + LA_A1 + p * D, dq + p * D, D, D, grad + wq);
      addOuterProduct(A + LA_A1 + p * D, dk + p * D, D, D, grad + wk);
      addOuterProduct(A + LA_A1 + p * D, dv + p * D, D, D, grad + wv);
      rowTimesTransposed(dq + p * D, theta + wq, D, D, dRow);
      rowTimesTransposed(dk + p * D, theta + wk, D, D, dRow2);
      for (var i = 0u; i < D; i++) { mem[dRow + i] = mem[dRow + i] + mem[dRow2 + i]; }
      rowTimesTransposed(dv + p * D, theta + wv, D, D, dRow2);
      for (var i = 0u; i < D; i++) { mem[dRow + i] = mem[dRow + i] + mem[dRow2 + i]; }
      rmsNormBackward(xIn + p * D, mem[A + LA_INV1 + p], dRow, dRow2);
      for (var i = 0u; i < D; i++) { mem[dx + p * D + i] = mem[dh1 + p * D + i] + mem[dRow2 + i]; }
    }
  }
  for (var p = 0u; p < fed; p++) {
    let t = tok[toks + p];
    for (var i = 0u; i < D; i++) {
      let ge = grad + E + t * D + i;
      mem[ge] = mem[ge] + mem[dx + p * D + i];
      let gp = grad + OFF_P + p * D + i;
      mem[gp] = mem[gp] + mem[dx + p * D + i];
    }
  }
  return value;
}

// kv-cache.ts KvCache.push: appends `token` at position p; with `scores`, log π of the next token to OFF_KLOGP.
fn kvPush(base: u32, token: u32, p: u32, scores: bool) {
  let theta = base + OFF_THETA;
  let x = base + OFF_KX;
  let a = base + OFF_KA;
  let q = base + OFF_KQ;
  let o = base + OFF_KO;
  let y = base + OFF_KY;
  let z = base + OFF_KZ;
  for (var i = 0u; i < D; i++) { mem[x + i] = mem[theta + OFF_E + token * D + i] + mem[theta + OFF_P + p * D + i]; }
  for (var l = 0u; l < LAYERS; l++) {
    let K = base + OFF_KEYS + l * T * D;
    let Vs = base + OFF_VALUES + l * T * D;
    rmsNorm(x, a);
    rowTimesMatrix(a, theta + blockOf(l, 0u), D, D, q);
    rowTimesMatrix(a, theta + blockOf(l, 1u), D, D, K + p * D);
    rowTimesMatrix(a, theta + blockOf(l, 2u), D, D, Vs + p * D);
    attend(q, K, Vs, p, base + OFF_KPROBS, T, o);
    rowTimesMatrix(o, theta + blockOf(l, 3u), D, D, y);
    for (var i = 0u; i < D; i++) { mem[x + i] = mem[x + i] + mem[y + i]; }
    rmsNorm(x, a);
    rowTimesMatrix(a, theta + blockOf(l, 4u), D, 4u * D, z);
    relu(z, 4u * D);
    rowTimesMatrix(z, theta + blockOf(l, 5u), 4u * D, D, y);
    for (var i = 0u; i < D; i++) { mem[x + i] = mem[x + i] + mem[y + i]; }
  }
  if (!scores) { return; }
  rmsNorm(x, base + OFF_KF);
  logSoftmaxLogits(base + OFF_KF, theta + OFF_E, base + OFF_KLOGP);
}

// kv-cache.ts sampleFromLogProbs: the token that u picks by the rounded CDF c = Σ_v r(c + r(exp(log π_v))).
// Also returns the smallest |u − c| over the CDF's edges up to the pick (a tie when tiny).
fn sampleFromLogProbs(logp: u32, u: f32) -> vec2<f32> {
  var c = 0.0;
  var margin = 1.0;
  for (var v = 0u; v < V; v++) {
    c = c + exp(mem[logp + v]);
    margin = min(margin, abs(u - c));
    if (u < c) { return vec2<f32>(f32(v), margin); }
  }
  return vec2<f32>(f32(V - 1u), margin);
}
