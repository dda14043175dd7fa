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
import { F32, KvCache, TransformerTwin, transformerModel, type TransformerModel, type TransformerShape } from '../model/index.ts';
import { responseBatch, scaledParameters } from '../model/transformer/test-fixtures.ts';
import { ulpDistance } from './transformer-gpu-ulps.ts';
import { gpuDivide, gpuMath, withGpuMath } from './transformer-gpu-substitute.ts';

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

/** The twin's numbers for each item: per-token log π (full forward and KV cache), gradient and value. */
function twinProbe(model: TransformerModel, items: readonly ProbeItem[], k: number, m: number) {
  const twin = new TransformerTwin(model);
  const cache = new KvCache(model);
  return items.map((it) => {
    const perToken = new Float32Array(m);
    const grad = new Float32Array(model.layout.size);
    const value = twin.addGradient(it.theta, it.prompt, it.response, it.weights, grad, perToken);
    cache.reset();
    const cached = new Float32Array(m);
    for (let p = 0; p < k; p++) cache.push(it.theta, it.prompt[p], p === k - 1);
    for (let t = 0; t < m; t++) {
      cached[t] = cache.logp[it.response[t]];
      if (t + 1 < m) cache.push(it.theta, it.response[t]);
    }
    return { perToken, cached, grad, value };
  });
}

describe('transformer kernel model functions vs the f32 twin', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await acquireGpu();
  });

  it("counts where WGSL's exp, log, sqrt and division round differently from JavaScript's", async () => {
    // The operands the model feeds them: exp of shifted scores and log π (≤ 0), log of a partition
    // function in [1, V], sqrt of mean(x²) + ε, and quotients like p_u = e_u / Z and ss / d (here log π / Z).
    const n = 4096;
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = Math.fround(-30 * ((i * 0.6180339887) % 1)); // exp operand
      b[i] = Math.fround(1 + 15 * ((i * 0.7548776662) % 1)); // log / sqrt operand, divisor
    }
    const onA = await gpuMath(ctx.device, a);
    const onB = await gpuMath(ctx.device, b);
    const quotients = await gpuDivide(ctx.device, a, b);
    const gpu = [onA.exp, onB.log, onB.sqrt, quotients];
    const counts: string[] = [];
    const js = [(x: number) => Math.exp(x), (_: number, y: number) => Math.log(y), (_: number, y: number) => Math.sqrt(y), (x: number, y: number) => x / y];
    let beyondWgsl = 0;
    ['exp', 'log', 'sqrt', 'div'].forEach((name, f) => {
      let differ = 0;
      let max = 0;
      for (let i = 0; i < n; i++) {
        const want = Math.fround(js[f](a[i], b[i]));
        const u = ulpDistance(gpu[f][i], want);
        if (u) differ++;
        max = Math.max(max, u);
        // WGSL's accuracy: exp 3 + 2|x| ulps, log 3 ulps (2^-21 absolute near 1), sqrt and division 2.5 ulps.
        const bound = f === 0 ? 3 + 2 * Math.abs(a[i]) : 3;
        if (u > bound && !(f === 1 && Math.abs(gpu[f][i] - want) <= 2 ** -21)) beyondWgsl++;
      }
      counts.push(`${name} ${differ}/${n} differ (max ${max} ulps)`);
    });
    console.log(`WGSL vs JavaScript (rounded to f32): ${counts.join(', ')}`);
    expect(beyondWgsl).toBe(0);
  });

  for (const c of CASES) {
    const setup = () => {
      const model = transformerModel(c.shape, F32);
      const batch = responseBatch(c.shape.V, c.k, c.m, c.runs, 17);
      const items: ProbeItem[] = batch.map((b, i) => ({ theta: scaledParameters(c.shape, c.gain, i), ...b, weights: b.weights.map(Math.fround) }));
      return { model, items };
    };

    it(`${c.name}: within ulps of the twin`, async () => {
      const { model, items } = setup();
      const gpu = await probeTransformerGpu(ctx.device, c.shape, items);
      const cpu = twinProbe(model, items, c.k, c.m);
      let maxLogpUlps = 0;
      let logpDiffering = 0;
      let maxCacheUlps = 0;
      let gradDiffering = 0;
      let maxGradRel = 0;
      let maxGradUlps = 0;
      let valueUlps = 0;
      let coordinates = 0;
      items.forEach((_, run) => {
        const { perToken, cached, grad, value } = cpu[run];
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

    it(`${c.name}: bit for bit with the GPU's exp, log and sqrt in the twin`, async () => {
      const { model, items } = setup();
      const gpu = await probeTransformerGpu(ctx.device, c.shape, items);
      const { result: cpu, rounds, calls, differ } = await withGpuMath(ctx.device, () => twinProbe(model, items, c.k, c.m));
      console.log(
        `${c.name}, GPU math in the twin (${rounds} rounds): exp ${differ.exp}/${calls.exp}, log ${differ.log}/${calls.log}, sqrt ${differ.sqrt}/${calls.sqrt} calls differ from JavaScript's`,
      );
      items.forEach((_, run) => {
        const g = gpu[run];
        expect(Array.from(g.fullLogProbs)).toEqual(Array.from(cpu[run].perToken));
        expect(Array.from(g.cacheLogProbs)).toEqual(Array.from(cpu[run].cached));
        expect(g.value).toBe(cpu[run].value);
        expect(Array.from(g.gradient)).toEqual(Array.from(cpu[run].grad));
      });
    });
  }
});
