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
