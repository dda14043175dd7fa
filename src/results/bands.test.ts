/** Quantile bands over seeds, and the gradient-gap bands of a summary: NaN left out and counted. */
import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../engine/results.ts';
import { bandOf, quantileBands } from './bands.ts';
import { decodeBaked, encodeBaked, gapBandAt, GAP_BAND_FIELDS, summarizeSweep } from './index.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

/** Just what quantileBands reads: 2 cells × 4 seeds × 2 recorded steps. */
function fakeResult(diverged: number[], cellStats = [0, 1]): Pick<SweepResult, 'spec' | 'cells' | 'cellStats' | 'runs'> {
  return {
    spec: { seeds: 4 } as SweepResult['spec'],
    cells: [{}, {}] as SweepResult['cells'],
    cellStats: cellStats.map((cell) => ({ cell })) as SweepResult['cellStats'],
    runs: { recordSteps: [0, 10], diverged: Uint8Array.from(diverged) } as SweepResult['runs'],
  };
}

describe('bandOf', () => {
  it('takes nearest-rank quantiles over the finite values and counts them', () => {
    expect(bandOf([3, NaN, 1, Infinity, 2, -Infinity])).toEqual({ q10: 1, q50: 2, q90: 3, mean: 2, finite: 3 });
  });
  it('gives NaN quantiles and finite = 0 when nothing is finite', () => {
    expect(bandOf([NaN, NaN])).toEqual({ q10: NaN, q50: NaN, q90: NaN, mean: NaN, finite: 0 });
  });
});

describe('quantileBands', () => {
  // [run][record]: cell 0 = runs 0–3, cell 1 = runs 4–7. NaN marks J rounded to 0 or 1.
  const gap = Float32Array.from([
    1,
    10,
    /**/ 2,
    NaN,
    /**/ 3,
    NaN,
    /**/ 4,
    40, // cell 0: step 10 has 2 finite
    NaN,
    NaN,
    /**/ NaN,
    NaN,
    /**/ NaN,
    NaN,
    /**/ NaN,
    NaN, // cell 1: none finite
  ]);

  it('packs [cell][record][fields], leaving NaN out and saying how many were finite', () => {
    const bands = quantileBands(fakeResult([0, 0, 0, 0, 0, 0, 0, 0]), gap, GAP_BAND_FIELDS);
    expect(Array.from(bands.subarray(0, 4))).toEqual([1, 2, 4, 4]); // cell 0, t = 0
    expect(Array.from(bands.subarray(4, 8))).toEqual([10, 10, 40, 2]); // cell 0, t = 10
    expect(Array.from(bands.subarray(8, 16))).toEqual([NaN, NaN, NaN, 0, NaN, NaN, NaN, 0]); // cell 1
  });

  it('never counts a diverged run, and leaves unfinished cells NaN', () => {
    const bands = quantileBands(fakeResult([0, 0, 0, 1, 0, 0, 0, 0], [0]), gap, GAP_BAND_FIELDS);
    expect(Array.from(bands.subarray(0, 4))).toEqual([1, 2, 3, 3]); // run 3 (‖g‖ = 4) diverged
    expect(Array.from(bands.subarray(4, 8))).toEqual([10, 10, 10, 1]);
    expect(Array.from(bands.subarray(8, 16)).every(Number.isNaN)).toBe(true); // cell 1 has no statistics
  });
});

describe('gradient-gap bands of a summary', () => {
  // η = 100 collapses runs to J = 0 in f32 within a few steps, so ‖g‖ is NaN in some of them.
  const spec = { base: { iterations: 40, recordEvery: 10 }, grid: { stepSize: [1, 100] }, seeds: 16 };

  it('match a direct reduction of the engine’s ‖g‖ and count the finite runs', async () => {
    const result = await runSweep(spec, { backend: 'cpu' });
    const summary = await summarizeSweep(result);
    const R = result.runs.recordSteps.length;
    let someMissing = false;
    for (const { cell } of result.cellStats) {
      for (let r = 0; r < R; r++) {
        const values = Array.from({ length: 16 }, (_, s) => result.runs.gapNorm[(cell * 16 + s) * R + r]);
        const expected = bandOf(values);
        const band = gapBandAt(summary, cell, r)!;
        expect(band.finite).toBe(expected.finite);
        expect(band.q50).toBe(expected.q50); // an f32 value of the runs, stored as it is
        someMissing ||= expected.finite < 16;
      }
    }
    expect(someMissing, 'the sweep should have runs with J rounded to 0 or 1').toBe(true);
  });

  it('survive baking, and a file baked before they existed still reads (without them)', async () => {
    const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
    const provenance = { packages: {}, wgslHash: 'x', runtime: 'node', command: 'test' };
    const text = encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } });
    expect(decodeBaked(text).sweeps.s.gapBands).toEqual(summary.gapBands);
    const old = JSON.parse(text);
    delete old.sweeps.s.gapBands;
    const back = decodeBaked(JSON.stringify(old)).sweeps.s;
    expect(back.gapBands).toBeUndefined();
    expect(gapBandAt(back, 0, 0)).toBeUndefined();
    old.sweeps.s.gapBands = 'AAAAAA=='; // one float, not cells × records × 4
    expect(() => decodeBaked(JSON.stringify(old))).toThrow(/gradient-gap band values/);
  });
});
