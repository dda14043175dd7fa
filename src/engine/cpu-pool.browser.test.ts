/** The page's CPU pool with more threads than chunks: the sweep finishes, and no idle worker is started. */
import { describe, expect, it } from 'vitest';
import { CpuPool } from './cpu-pool.ts';
import { runSweep } from './run-sweep.ts';

const ONE_RUN = { base: { V: 4, d: 3, L: 2, J0: 0.3, G: 4, iterations: 4, recordEvery: 2 }, grid: { stepSize: [1] }, seeds: 1 };

describe('CPU pool with more threads than chunks', () => {
  it('a 1-run sweep on 8 threads finishes on one worker, and the pool serves the next sweep', async () => {
    const first = await runSweep(ONE_RUN, { backend: 'cpu', threads: 8 });
    expect(first.complete).toBe(true);
    expect(first.runsDone).toBe(1);
    expect(CpuPool.shared(8).started).toBe(1);
    // Four runs in chunks of one: four workers, still not eight.
    const second = await runSweep({ ...ONE_RUN, seeds: 4 }, { backend: 'cpu', threads: 8, chunkRuns: 1 });
    expect(second.complete).toBe(true);
    expect(CpuPool.shared(8).started).toBe(4);
    // The same run on one worker and on a pool: bit for bit.
    expect(Array.from(second.runs.finalJ.subarray(0, 1))).toEqual(Array.from(first.runs.finalJ));
    CpuPool.shared(8).terminate();
  });
});
