/** runSweep in Node: no WebGPU, no Web Workers — the CPU twin inline, and the reason said. */
import { describe, expect, it } from 'vitest';
import { runSweep } from './run-sweep.ts';
import { simulateChunkCpu } from './cpu-chunk.ts';
import { parseSpec } from '../spec/validate.ts';

describe('runSweep without WebGPU', () => {
  it('auto falls back to the CPU twin, says why, and matches simulateChunkCpu bit for bit', async () => {
    const input = { base: { iterations: 10, recordEvery: 5 }, grid: { stepSize: [1, 30] }, seeds: 4 };
    const result = await runSweep(input);
    expect(result.backend.kind).toBe('cpu');
    expect(result.backend.reason).toMatch(/WebGPU is not available/);
    const direct = simulateChunkCpu(parseSpec(input), 0, 8);
    expect(Array.from(result.runs.finalJ)).toEqual(Array.from(direct.finalJ));
    expect(result.cellStats.map((s) => s.cell)).toEqual([0, 1]);
  });

  it('runRange computes a shard: the same runs as the whole sweep, and stats of the cells wholly inside', async () => {
    const input = { base: { iterations: 10, recordEvery: 5 }, grid: { stepSize: [1, 30, 100] }, seeds: 4 };
    const whole = await runSweep(input);
    const shard = await runSweep(input, { runRange: [2, 9] });
    expect(shard.runRange).toEqual([2, 9]);
    expect(shard.runs.runCount).toBe(7);
    expect(Array.from(shard.runs.finalJ)).toEqual(Array.from(whole.runs.finalJ.subarray(2, 9)));
    expect(Array.from(shard.runs.trajectory)).toEqual(Array.from(whole.runs.trajectory.subarray(2 * 3, 9 * 3)));
    expect(shard.cellStats).toEqual([whole.cellStats[1]]);
    await expect(runSweep(input, { runRange: [5, 13] })).rejects.toThrow(/runRange = \[5, 13\): must be integers with 0 ≤ begin < end ≤ 12/);
  });

  it('asking for WebGPU where there is none is an error that says what to do', async () => {
    await expect(runSweep({ seeds: 1 }, { backend: 'webgpu' })).rejects.toThrow(/WebGPU is not available.*--enable-unsafe-webgpu/);
  });
});
