/**
 * A transformer sweep's summary carries each run's predicted one-step threshold (SPEC 1.10), and its
 * baked file keeps it exactly (∞ and NaN included); a log-linear summary and file have no such key.
 */
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepSpecInput } from '../engine/index.ts';
import { decodeBaked, encodeBaked, summarizeSweep } from './index.ts';

const provenance = { packages: { gradgap: '0.1.0' }, wgslHash: 'x', runtime: 'node', command: 'test' };
const TRANSFORMER = {
  base: { policy: 'transformer', V: 4, d: 8, N: 8, B: 4, G: 4, promptLength: 2, iterations: 2, recordEvery: 1, sftLearningRate: 0.05, sftMaxSteps: 300 },
  grid: { stepSize: [0.03, 3], J0: [0.3] },
  seeds: 2,
} as SweepSpecInput;

describe('a summary’s per-run one-step threshold', () => {
  it('is the run output in a transformer sweep’s summary and survives its baked file bit for bit', async () => {
    const result = await runSweep(TRANSFORMER, { backend: 'cpu' });
    const summary = await summarizeSweep(result);
    expect(summary.oneStepThreshold).toBe(result.runs.oneStepThreshold);
    expect(Array.from(summary.oneStepThreshold!).every((v) => v > 0)).toBe(true); // every run reached J0 and J rises for small η
    // Seeds are paired over η: the two η cells share each seed's value.
    expect(Array.from(summary.oneStepThreshold!.subarray(2))).toEqual(Array.from(summary.oneStepThreshold!.subarray(0, 2)));
    const edited = { ...summary, oneStepThreshold: Float32Array.of(Infinity, NaN, 0, 0.5) };
    const back = decodeBaked(encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: edited } })).sweeps.s;
    expect(Array.from(back.oneStepThreshold!)).toEqual([Infinity, NaN, 0, 0.5]);
    const text = encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } });
    expect(Array.from(decodeBaked(text).sweeps.s.oneStepThreshold!)).toEqual(Array.from(summary.oneStepThreshold!));
    const short = text.replace(/"oneStepThreshold": "[^"]*"/, `"oneStepThreshold": "AACAPw=="`);
    expect(() => decodeBaked(short)).toThrow(/oneStepThreshold: 1 runs, but the spec has 4/);
  });

  it('is absent from a log-linear sweep’s summary and baked file', async () => {
    const summary = await summarizeSweep(await runSweep({ base: { iterations: 2, recordEvery: 1 }, grid: { stepSize: [1] }, seeds: 2 }, { backend: 'cpu' }));
    expect('oneStepThreshold' in summary).toBe(false);
    const text = encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } });
    expect(text).not.toMatch(/oneStepThreshold/);
    expect('oneStepThreshold' in decodeBaked(text).sweeps.s).toBe(false);
  });
});
