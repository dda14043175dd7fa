/**
 * Host of the test kernel shaders/transformer-probe.wgsl: scores one response per run with the
 * kernel's full forward and its KV-cache forward, and takes the gradient of Σ_t w_t log π, so a
 * browser test can hold every number against the f32 twin (TransformerTwin).
 *
 * @example
 *   const out = await probeTransformerGpu(device, shape, [{ theta, prompt, response, weights }]);
 *   out[0].fullLogProbs; out[0].cacheLogProbs; out[0].gradient; out[0].value;
 */
import probeSource from '../../shaders/transformer-probe.wgsl?raw';
import type { TransformerShape } from '../model/index.ts';
import { transformerGpuLayout } from './transformer-gpu-layout.ts';
import { compileTransformer, dispatchThreads, dispatchUniform, readBack, storageBuffer, transformerCode } from './transformer-gpu-kernel.ts';

export interface ProbeItem {
  theta: Float32Array;
  prompt: ArrayLike<number>;
  response: ArrayLike<number>;
  weights: ArrayLike<number>;
}

export interface ProbeResult {
  fullLogProbs: Float32Array; // log π(o_t | x, o_<t) by the full forward
  cacheLogProbs: Float32Array; // the same by the KV-cache forward
  gradient: Float32Array; // ∇ Σ_t w_t log π(o_t | ·)
  value: number; // Σ_t w_t log π(o_t | ·)
}

/** One response per item (all with the same prompt and response lengths), one GPU thread each. */
export async function probeTransformerGpu(device: GPUDevice, shape: TransformerShape, items: readonly ProbeItem[]): Promise<ProbeResult[]> {
  const k = items[0].prompt.length;
  const m = items[0].response.length;
  if (items.some((it) => it.prompt.length !== k || it.response.length !== m)) throw new Error('every probe item needs the same prompt and response lengths');
  if (k < 1 || m < 1 || k + m > shape.T) throw new Error(`a prompt of ${k} and a response of ${m} tokens do not fit T ${shape.T}`);
  const g = transformerGpuLayout(shape, 3 * m + 1);
  const n = items.length;
  const mem = new Float32Array(n * g.runStride);
  const tokStride = k + m;
  const tok = new Uint32Array(n * tokStride);
  items.forEach((it, run) => {
    const base = run * g.runStride;
    mem.set(it.theta, base + g.offsets.theta);
    mem.set(Float32Array.from(it.weights), base + g.offsets.extra);
    tok.set(Array.from(it.prompt), run * tokStride);
    tok.set(Array.from(it.response), run * tokStride + k);
  });
  const p = await compileTransformer(device, transformerCode(g, probeSource), 'transformer-probe.wgsl');
  const memBuffer = storageBuffer(device, mem, 'mem');
  const tokBuffer = storageBuffer(device, tok, 'tok');
  const uniform = dispatchUniform(device, p.defs, { zero: 0, runs: n, k, m, tokStride });
  await dispatchThreads(device, p, [uniform, memBuffer, tokBuffer], n);
  const out = new Float32Array(await readBack(device, memBuffer));
  for (const b of [memBuffer, tokBuffer, uniform]) b.destroy();
  return items.map((_, run) => {
    const base = run * g.runStride;
    const ex = base + g.offsets.extra;
    return {
      fullLogProbs: out.slice(ex + m, ex + 2 * m),
      cacheLogProbs: out.slice(ex + 2 * m, ex + 3 * m),
      gradient: out.slice(base + g.offsets.grad, base + g.offsets.grad + g.layout.size),
      value: out[ex + 3 * m],
    };
  });
}
