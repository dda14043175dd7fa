/** Helpers for the plots' tests (not part of the public API). */
import { expect } from 'vitest';
import { installSvgDom } from '../cli/svg-dom.ts';
import type { BandField, SweepResult, SweepSpecInput } from '../engine/index.ts';
import { bandOf } from '../results/bands.ts';
import { compareWithBaked, decodeBaked, encodeBaked, summarizeSweep, type SweepSummary } from '../results/index.ts';

/** One recorded series' values over a cell's seeds at record r, diverged runs left out (what a band reduces). */
export function finiteSeedValues(result: SweepResult, series: string, cell: number, r: number): number[] {
  const seeds = result.spec.seeds;
  const R = result.runs.recordSteps.length;
  const values = (result.runs as unknown as Record<string, Float32Array>)[series];
  return Array.from({ length: seeds }, (_, s) => values[(cell * seeds + s) * R + r]).filter((_, s) => !result.runs.diverged[cell * seeds + s]);
}

/** Runs `spec` on the CPU twin and summarizes it, with an SVG DOM installed for the figures. */
export async function cpuSweep(spec: SweepSpecInput): Promise<{ result: SweepResult; summary: SweepSummary }> {
  installSvgDom();
  const { runSweep } = await import('../engine/index.ts');
  const result = await runSweep(spec, { backend: 'cpu' });
  return { result, summary: await summarizeSweep(result) };
}

/** The token-family EOS sweep the length tests run (SPEC 1.7): two step sizes, six seeds, lengths between 1 and L = 8. */
export const EOS_LENGTH_SPEC = {
  base: {
    family: 'token',
    V: 6,
    d: 4,
    L: 8,
    eos: true,
    reward: 'final-answer',
    J0: 0.3,
    G: 8,
    aggregation: 'seq-mean-token-mean',
    iterations: 20,
    recordEvery: 10,
  },
  grid: { stepSize: [1, 30] },
  seeds: 6,
  seed: 3,
} as const;

/**
 * Expects each of `series`' bands, per cell and recorded step, to be the band over the seeds'
 * finite values (`bandOf`) rounded to float32, in `fields`; `bandAt` reads the summary's.
 */
export function expectSeedBands<S extends string>(
  result: SweepResult,
  series: readonly S[],
  fields: readonly BandField[],
  bandAt: (series: S, cell: number, record: number) => Record<string, number> | undefined,
): void {
  const R = result.runs.recordSteps.length;
  for (const name of series)
    for (let cell = 0; cell < result.cells.length; cell++)
      for (let r = 0; r < R; r++) {
        const b = bandOf(finiteSeedValues(result, name, cell, r));
        expect(bandAt(name, cell, r)).toEqual(Object.fromEntries(fields.map((f) => [f, Math.fround(b[f])])));
      }
}

/** The baked file of one sweep named `s`, with an empty provenance. */
export const bakeOne = (summary: SweepSummary): string =>
  encodeBaked({ notebook: 'x.html', provenance: { packages: {}, wgslHash: '', runtime: '', command: '' }, sweeps: { s: summary } });

/**
 * Bakes `summary` and expects `key`'s bands of each of `series` to read back bit for bit and
 * Reproduce to agree; then adds `by` to value `index` of the read-back `change` series and expects
 * Reproduce to name it (`<change> bands: 1 of N values differ`). Returns the baked text.
 */
export function expectBakedBands(
  summary: SweepSummary,
  key: 'lengthBands' | 'promptBands' | 'ppoBands',
  series: readonly string[],
  { change, index, by }: { change: string; index: number; by: number },
): string {
  const text = bakeOne(summary);
  const back = decodeBaked(text).sweeps.s;
  const bands = (s: SweepSummary) => s[key] as Record<string, Float32Array>;
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const n of series) expect(bytes(bands(back)[n])).toEqual(bytes(bands(summary)[n]));
  expect(compareWithBaked(back, summary).ok).toBe(true);
  const changed = structuredClone(back);
  bands(changed)[change][index] += by;
  const report = compareWithBaked(changed, summary);
  expect(report.ok).toBe(false);
  expect(report.differences.join('\n')).toMatch(new RegExp(`${change} bands: 1 of \\d+ values differ`));
  return text;
}
