/** The PPO loop's series (SPEC 1.9) in results: banded only for sweeps with a cell in the loop, and through a baked file unchanged. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../engine/index.ts';
import { summarizeSweep, seriesBandAt } from './summary.ts';
import { decodeBaked, encodeBaked, type BakedNotebook } from './baked.ts';

describe('ppoBands', () => {
  it('a sweep in the loop keeps clipped share and KL bands that survive a baked file; today’s sweeps have none', async () => {
    const loop = await summarizeSweep(
      await runSweep({
        base: { iterations: 12, recordEvery: 4, ppoEpochs: 4, klCoef: 0.01, stepSize: 3 },
        grid: { ppoEpochs: [1, 4], klCoef: [0, 0.01] },
        seeds: 6,
      }),
    );
    expect(loop.ppoBands).toBeDefined();
    const last = loop.recordSteps.length - 1;
    expect(seriesBandAt(loop, 'clippedShare', 0, 0)!.mean).toBe(0);
    // Cells (μ, β): (1, 0) is today's loop, the others are in the PPO loop; one CPU scratch serves them all, in that order.
    expect(seriesBandAt(loop, 'clippedShare', 3, last)!.mean).toBeGreaterThan(0);
    expect(seriesBandAt(loop, 'clippedShare', 1, last)!.mean).toBe(0); // μ = M = 1: ρ = 1
    expect(seriesBandAt(loop, 'klReference', 0, last)!.mean).toBeNaN();
    expect(seriesBandAt(loop, 'klReference', 1, 0)!.mean).toBe(0);
    expect(seriesBandAt(loop, 'klReference', 1, last)!.mean).toBeGreaterThan(0);
    const published = decodeBaked(readFileSync(`notebooks/${readdirSync('notebooks').find((f) => f.endsWith('.results.json'))}`, 'utf8'));
    const baked: BakedNotebook = { ...published, sweeps: { loop } };
    const back = decodeBaked(encodeBaked(baked)).sweeps.loop;
    expect(Array.from(back.ppoBands!.klReference)).toEqual(Array.from(loop.ppoBands!.klReference));
    const today = await summarizeSweep(await runSweep({ base: { iterations: 4, recordEvery: 2 }, seeds: 2 }));
    expect(today.ppoBands).toBeUndefined();
  });
});
