/**
 * The transformer kernel's model functions (shaders/transformer.wgsl) against the f32 twin
 * (TransformerTwin, KvCache), in real headless Chromium on WebGPU: per-token log π of the full
 * teacher-forced forward and of the KV-cache forward, the loss value and the gradient of
 * Σ_t w_t log π. Both follow ops.ts's order of rounding; only WGSL's exp, log, sqrt and division
 * may round differently from JavaScript's, so the differences are measured in ulps and printed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from './device.ts';
import { probeTransformerGpu, type ProbeItem } from './transformer-gpu-probe.ts';
import { F32, KvCache, TransformerTwin, transformerModel, type TransformerShape } from '../model/index.ts';
import { responseBatch, scaledParameters } from '../model/transformer/test-fixtures.ts';
import { ulpDistance } from './transformer-gpu-ulps.ts';
import { compileTransformer, readBack, storageBuffer } from './transformer-gpu-kernel.ts';

/** exp(a), log(b), sqrt(b) and −a/b on the GPU, [op][i]. */
async function mathProbe(device: GPUDevice, a: Float32Array, b: Float32Array): Promise<Float32Array> {
  const n = a.length;
  const code = `@group(0) @binding(0) var<storage, read_write> io: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${n}u) { return; }
  let x = io[i];
  let y = io[${n}u + i];
  io[2u * ${n}u + i] = exp(x);
  io[3u * ${n}u + i] = log(y);
  io[4u * ${n}u + i] = sqrt(y);
  io[5u * ${n}u + i] = -x / y;
}`;
  const p = await compileTransformer(device, code, 'math probe');
  const data = new Float32Array(6 * n);
  data.set(a, 0);
  data.set(b, n);
  const io = storageBuffer(device, data, 'io');
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(p.pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: p.pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: io } }] }));
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  device.queue.submit([encoder.finish()]);
  const out = new Float32Array(await readBack(device, io)).slice(2 * n);
  io.destroy();
  return out;
}

/**
 * log π bound in ulps. Measured on SwiftShader: see the printed maximum. exp/log/sqrt/div that
 * round differently from JavaScript move log π by a few ulps of the largest term it was summed from.
 */
const LOGP_ULPS = 64;
/** Gradient bound: relative to the largest |∇| of the run (a coordinate near 0 may differ by many of its own ulps). */
const GRAD_REL = 1e-5;

interface Case {
  name: string;
  shape: TransformerShape;
  gain: number;
  k: number;
  m: number;
  runs: number;
}

const CASES: Case[] = [
  { name: 'two layers, two heads (scaled θ0)', shape: { V: 5, d: 8, T: 6, layers: 2, heads: 2 }, gain: 20, k: 3, m: 3, runs: 4 },
  { name: 'W3 shape, GPT-2 θ0', shape: { V: 16, d: 16, T: 8, layers: 1, heads: 2 }, gain: 1, k: 4, m: 4, runs: 3 },
];

describe('transformer kernel model functions vs the f32 twin', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await acquireGpu();
  });

  it("counts where WGSL's exp, log, sqrt and division round differently from JavaScript's", async () => {
    // The operands the model feeds them: exp of shifted scores and log π (≤ 0), log of a partition
    // function in [1, V], sqrt of mean(x²) + ε, and quotients like p_u = e_u / Z and ss / d.
    const n = 4096;
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = Math.fround(-30 * ((i * 0.6180339887) % 1)); // exp operand
      b[i] = Math.fround(1 + 15 * ((i * 0.7548776662) % 1)); // log / sqrt operand, divisor
    }
    const out = await mathProbe(ctx.device, a, b);
    const counts: string[] = [];
    const js = [(x: number) => Math.exp(x), (_: number, y: number) => Math.log(y), (_: number, y: number) => Math.sqrt(y), (x: number, y: number) => -x / y];
    let beyondWgsl = 0;
    ['exp', 'log', 'sqrt', 'div'].forEach((name, f) => {
      let differ = 0;
      let max = 0;
      for (let i = 0; i < n; i++) {
        const want = Math.fround(js[f](a[i], b[i]));
        const u = ulpDistance(out[f * n + i], want);
        if (u) differ++;
        max = Math.max(max, u);
        // WGSL's accuracy: exp 3 + 2|x| ulps, log 3 ulps (2^-21 absolute near 1), sqrt and division 2.5 ulps.
        const bound = f === 0 ? 3 + 2 * Math.abs(a[i]) : 3;
        if (u > bound && !(f === 1 && Math.abs(out[f * n + i] - want) <= 2 ** -21)) beyondWgsl++;
      }
      counts.push(`${name} ${differ}/${n} differ (max ${max} ulps)`);
    });
    console.log(`WGSL vs JavaScript (rounded to f32): ${counts.join(', ')}`);
    expect(beyondWgsl).toBe(0);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const model = transformerModel(c.shape, F32);
      const twin = new TransformerTwin(model);
      const cache = new KvCache(model);
      const batch = responseBatch(c.shape.V, c.k, c.m, c.runs, 17);
      const items: ProbeItem[] = batch.map((b, i) => ({ theta: scaledParameters(c.shape, c.gain, i), ...b, weights: b.weights.map(Math.fround) }));
      const gpu = await probeTransformerGpu(ctx.device, c.shape, items);
      let maxLogpUlps = 0;
      let logpDiffering = 0;
      let maxCacheUlps = 0;
      let gradDiffering = 0;
      let maxGradRel = 0;
      let maxGradUlps = 0;
      let valueUlps = 0;
      let coordinates = 0;
      items.forEach((it, run) => {
        const perToken = new Float32Array(c.m);
        const grad = new Float32Array(model.layout.size);
        const value = twin.addGradient(it.theta, it.prompt, it.response, it.weights, grad, perToken);
        cache.reset();
        const cached = new Float32Array(c.m);
        for (let p = 0; p < c.k; p++) cache.push(it.theta, it.prompt[p], p === c.k - 1);
        for (let t = 0; t < c.m; t++) {
          cached[t] = cache.logp[it.response[t]];
          if (t + 1 < c.m) cache.push(it.theta, it.response[t]);
        }
        const g = gpu[run];
        for (let t = 0; t < c.m; t++) {
          const u = ulpDistance(g.fullLogProbs[t], perToken[t]);
          maxLogpUlps = Math.max(maxLogpUlps, u);
          if (u) logpDiffering++;
          maxCacheUlps = Math.max(maxCacheUlps, ulpDistance(g.cacheLogProbs[t], cached[t]));
          // The kernel's own two forwards share every operation: bit for bit, as the twin's do.
          expect(g.cacheLogProbs[t]).toBe(g.fullLogProbs[t]);
        }
        valueUlps = Math.max(valueUlps, ulpDistance(g.value, value));
        let largest = 0;
        for (const x of grad) largest = Math.max(largest, Math.abs(x));
        expect(largest).toBeGreaterThan(0);
        for (let i = 0; i < grad.length; i++) {
          coordinates++;
          expect(Number.isFinite(g.gradient[i])).toBe(true);
          const u = ulpDistance(g.gradient[i], grad[i]);
          if (u) gradDiffering++;
          maxGradUlps = Math.max(maxGradUlps, u);
          maxGradRel = Math.max(maxGradRel, Math.abs(g.gradient[i] - grad[i]) / largest);
        }
      });
      console.log(
        `${c.name}: log π max ${maxLogpUlps} ulps (${logpDiffering}/${c.runs * c.m} tokens differ; KV cache vs twin's cache ${maxCacheUlps} ulps), ` +
          `value ${valueUlps} ulps; gradient ${gradDiffering}/${coordinates} coordinates differ, max ${maxGradUlps} ulps, max |Δ|/max|∇| ${maxGradRel.toExponential(2)}`,
      );
      expect(maxLogpUlps).toBeLessThanOrEqual(LOGP_ULPS);
      expect(maxCacheUlps).toBeLessThanOrEqual(LOGP_ULPS);
      expect(maxGradRel).toBeLessThanOrEqual(GRAD_REL);
    });
  }
});
