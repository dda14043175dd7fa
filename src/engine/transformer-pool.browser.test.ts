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
      reason: 'auto: policy "transformer" runs on the CPU twin (its WGSL kernel is not wired into sweeps yet)',
    });
    expect(CpuPool.shared(2).started).toBe(2);
    const direct = simulateChunkCpu(parseSpec(INPUT), 0, 4);
    for (const name of ['trajectory', 'heldOutJ', 'updateNorm', 'sftSteps', 'sftJ', 'sftReached', 'finalJ'] as const)
      expect(Array.from(result.runs[name]), name).toEqual(Array.from(direct[name]));
    expect(Array.from(result.runs.sftReached)).toEqual([1, 1, 1, 1]);
    CpuPool.shared(2).terminate();
  });
});
