/**
 * A transformer sweep in the page (SPEC 1.10): runSweep under auto takes the CPU twin and says
 * why, and the page's Web Workers run its chunks (cpu-worker.ts, unchanged) to the same runs, bit
 * for bit, as the twin on the page's own thread.
 */
import { describe, expect, it } from 'vitest';
import { CpuPool } from './cpu-pool.ts';
import { simulateChunkCpu } from './cpu-chunk.ts';
import { runSweep } from './run-sweep.ts';
import { parseSpec, type SweepSpecInput } from '../spec/index.ts';

const INPUT = {
  base: {
    policy: 'transformer',
    V: 4,
    d: 8,
    N: 4,
    B: 4,
    G: 4,
    J0: 0.3,
    promptLength: 2,
    heldOutPrompts: 4,
    sftLearningRate: 0.05,
    iterations: 4,
    recordEvery: 2,
  },
  grid: { stepSize: [0.1, 3] },
  seeds: 2,
} as SweepSpecInput;

describe('a transformer sweep in the page', () => {
  it('runs on the CPU twin in Web Workers, bit for bit as on the page thread', async () => {
    const result = await runSweep(INPUT, { threads: 2, chunkRuns: 1 });
    expect(result.backend).toMatchObject({
      kind: 'cpu',
      reason: 'auto: policy "transformer" runs on the CPU twin (its WGSL kernel, one GPU thread per run, runs when backend "webgpu" is chosen)',
    });
    expect(CpuPool.shared(2).started).toBe(2);
    const direct = simulateChunkCpu(parseSpec(INPUT), 0, 4);
    for (const name of ['trajectory', 'heldOutJ', 'updateNorm', 'sftSteps', 'sftJ', 'sftReached', 'finalJ'] as const)
      expect(Array.from(result.runs[name]), name).toEqual(Array.from(direct[name]));
    expect(Array.from(result.runs.sftReached)).toEqual([1, 1, 1, 1]);
    CpuPool.shared(2).terminate();
  });

  it('runs on the WGSL kernel under backend "webgpu": warm starts, draws and records as the twin has them', async () => {
    const result = await runSweep(INPUT, { backend: 'webgpu', chunkRuns: 3 }); // chunks of 3 and 1 runs
    expect(result.backend.kind).toBe('webgpu');
    const twin = simulateChunkCpu(parseSpec(INPUT), 0, 4);
    // The warm start's step count and reach are integers the kernel must reproduce exactly.
    for (const name of ['sftSteps', 'sftReached', 'diverged'] as const) expect(Array.from(result.runs[name]), name).toEqual(Array.from(twin[name]));
    // J, held-out J and ‖Δθ‖ part from the twin only by WGSL's exp/log in the last bits (transformer-gpu.browser.test.ts:
    // the sampled tokens are the same draw by draw), so the records agree to float rounding.
    for (const name of ['trajectory', 'heldOutJ', 'updateNorm', 'sftJ', 'finalJ'] as const) {
      const gpu = Array.from(result.runs[name]);
      Array.from(twin[name]).forEach((x, i) => expect(Math.abs(gpu[i] - x), `${name}[${i}]: ${gpu[i]} vs ${x}`).toBeLessThan(1e-4));
    }
    // The predicted threshold is searched on the host at the kernel's θ after each warm start: the
    // same θ as the twin's but for exp/log's last bits, so the same η* to the search's tolerance (1e-3).
    const gpuEta = Array.from(result.runs.oneStepThreshold);
    Array.from(twin.oneStepThreshold).forEach((x, i) => {
      expect(Number.isFinite(x), `twin η*[${i}] = ${x}`).toBe(true);
      expect(Math.abs(gpuEta[i] - x) / x, `η*[${i}]: ${gpuEta[i]} vs ${x}`).toBeLessThan(1e-2);
    });
    await expect(runSweep({ ...INPUT, base: { ...INPUT.base, advantage: 'rloo' } }, { backend: 'webgpu' })).rejects.toThrow(
      /advantage = "rloo" is not in the transformer's WGSL kernel/,
    );
  });
});
