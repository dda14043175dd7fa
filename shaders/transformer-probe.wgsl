// A test kernel of the transformer's model functions (transformer.wgsl): per run, one response to
// one prompt scored by the full teacher-forced forward and by the KV-cache forward token by token,
// and the gradient of Σ_t w_t log π(o_t | x, o_<t) by the backward. The browser test compares all
// of it with the f32 twin (src/engine/transformer-gpu-probe.browser.test.ts).
//
// Per run: tok[run·tokStride ..] = prompt (k) then response (m); in mem at OFF_EXTRA: the weights
// (m), then the full forward's log π per token (m), the KV cache's (m), and the loss value (1);
// the gradient at OFF_GRAD (zeroed by the host).

struct Dispatch {
  zero: u32,
  runs: u32,
  k: u32,
  m: u32,
  tokStride: u32,
};

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let run = gid.x;
  if (run >= dispatch.runs) { return; }
  let base = run * RUN_STRIDE;
  let toks = run * dispatch.tokStride;
  let k = dispatch.k;
  let m = dispatch.m;
  let ex = base + OFF_EXTRA;
  forwardSequence(base, toks, k + m - 1u, k - 1u);
  for (var t = 0u; t < m; t++) { mem[ex + m + t] = mem[base + OFF_LOGP + (k - 1u + t) * V + tok[toks + k + t]]; }
  mem[ex + 3u * m] = backwardSequence(base, toks, k + m, k - 1u, ex);
  for (var p = 0u; p < k; p++) { kvPush(base, tok[toks + p], p, p == k - 1u); }
  for (var t = 0u; t < m; t++) {
    let o = tok[toks + k + t];
    mem[ex + 2u * m + t] = mem[base + OFF_KLOGP + o];
    if (t + 1u < m) { kvPush(base, o, k + t, true); }
  }
}
