/**
 * The page's runner on a sweep over RUN_SERIES_LIMIT: every run's series is reduced as cells
 * complete instead of kept, and what the plots draw (cell statistics, bands, finals, the J(t)
 * hash) equals, bit for bit, a CPU-twin run of the same spec that kept every series, cut into
 * other chunks, and reduced afterwards.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, recordSteps, runSweep } from '../engine/index.ts';
import { phaseRows } from '../plots/phase-rows.ts';
import { gapRows } from '../plots/gap-trajectories.ts';
import { trajectoryRows } from '../plots/trajectories.ts';
import { RUN_SERIES_LIMIT, summarizeSweep } from '../results/index.ts';
import { engineRunner } from './sweep-runner.ts';

// 6 cells × 56,000 seeds × 3 recorded steps = 1,008,000 values a series: just over the limit, and short runs (L = 2, 2 steps).
const spec = {
  base: { L: 2, V: 4, d: 2, G: 4, theta0: [0.1, 0.2], iterations: 2, recordEvery: 1 },
  grid: { stepSize: [1, 3, 10, 30, 100, 1000] },
  seeds: 56_000,
  seed: 1,
};

const bits = (a: Float32Array | undefined) => (a ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)) : a);

describe('engineRunner on a sweep over RUN_SERIES_LIMIT', () => {
  it('keeps no series, and its statistics and bands equal a run that kept them all, bit for bit', async () => {
    const parsed = parseSpec(spec);
    const runs = 6 * parsed.seeds;
    expect(runs * recordSteps(parsed.base.iterations, parsed.base.recordEvery).length).toBeGreaterThan(RUN_SERIES_LIMIT);

    const controller = new AbortController();
    const page = await engineRunner(spec, { backend: 'cpu', signal: controller.signal, onProgress: () => {}, onBackend: () => {} });
    expect(page.complete).toBe(true);
    expect(page.runSeries).toBeUndefined();
    expect(page.cellStats).toHaveLength(6);
    expect(page.finalJ).toHaveLength(runs);
    expect(page.bands).toHaveLength(6 * 3 * 4); // [cell][record][q10, q50, q90, mean]
    expect(page.bands.every(Number.isFinite)).toBe(true);
    expect(page.gapBands).toHaveLength(6 * 3 * 4); // [cell][record][q10, q50, q90, finite]

    // The reference keeps every series, in chunks that split cells, and is reduced from the kept arrays.
    const kept = await runSweep(spec, { backend: 'cpu', chunkRuns: 7_777, keepSeries: true });
    expect(kept.runs.trajectory).toHaveLength(runs * 3);
    const reference = await summarizeSweep({ ...kept, bands: undefined, trajectoryHash: undefined });

    expect(page.cellStats).toEqual(reference.cellStats);
    expect(bits(page.finalJ)).toEqual(bits(reference.finalJ));
    expect(page.diverged).toEqual(reference.diverged);
    expect(bits(page.bands)).toEqual(bits(reference.bands));
    expect(bits(page.gapBands)).toEqual(bits(reference.gapBands));
    expect(bits(page.updateBands)).toEqual(bits(reference.updateBands));
    expect(page.trajectoryHash).toBe(reference.trajectoryHash);
    // What the plots draw from them.
    expect(phaseRows(page, {})).toEqual(phaseRows(reference, {}));
    expect(trajectoryRows(page, undefined)).toEqual(trajectoryRows(reference, undefined));
    expect(gapRows(page, undefined)).toEqual(gapRows(reference, undefined));
  });
});
