/** A table cell's "Download CSV": the rows and columns it shows, numbers in full. */
import { describe, expect, it } from 'vitest';
import { summarizeSweep } from '../results/index.ts';
import { DEFAULT_COLUMNS, statsTable, statsTableCsv } from './stats-table.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const summary = await summarizeSweep(
  await runSweep({ base: { iterations: 20, recordEvery: 10 }, grid: { stepSize: [1, 30], advantage: ['group-std', 'rloo'] }, seeds: 4 }, { backend: 'cpu' }),
);

const parse = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));

describe('table cell CSV', () => {
  it('has the shown columns (swept fields, then the statistics) and one row per grid cell', () => {
    const rows = parse(statsTableCsv(statsTable(summary)));
    expect(rows[0]).toEqual([...statsTable(summary).gridKeys, ...DEFAULT_COLUMNS]);
    expect(rows[0].slice(0, 2).sort()).toEqual(['advantage', 'stepSize']);
    expect(rows).toHaveLength(1 + 4);
    // Values in full: the mean final J of each cell as its statistics hold it, a probability as a fraction.
    const at = (r: string[], c: string) => r[rows[0].indexOf(c)];
    for (const [i, s] of summary.cellStats.entries()) {
      expect(Number(at(rows[1 + s.cell], 'meanFinalJ'))).toBe(s.meanFinalJ);
      expect(Number(at(rows[1 + s.cell], 'collapseProbability'))).toBe(s.collapseProbability);
      expect(i).toBe(s.cell);
    }
  });

  it('follows the configured columns, derived ones included', () => {
    const rows = parse(statsTableCsv(statsTable(summary, ['effectiveStepSize', 'J0', 'q50', 'runs'])));
    expect(rows[0].slice(-4)).toEqual(['effectiveStepSize', 'J0', 'q50', 'runs']);
    expect(rows.slice(1).every((r) => r.at(-1) === '4')).toBe(true);
  });

  it('keeps a not-run cell as a row of its coordinates with empty statistics', () => {
    const stopped = { ...summary, cellStats: summary.cellStats.filter((s) => s.cell !== 2) };
    const rows = parse(statsTableCsv(statsTable(stopped, ['meanFinalJ', 'q50'])));
    expect(rows).toHaveLength(5);
    expect(rows[3].slice(-2)).toEqual(['', '']);
    expect(rows[3].slice(0, 2).every((v) => v !== '')).toBe(true);
  });
});
