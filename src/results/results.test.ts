import { describe, expect, it } from 'vitest';
import { compareWithBaked, decodeBaked, encodeBaked, summarizeSweep, sweepCsv, type SweepSummary } from './index.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const spec = { base: { iterations: 20, recordEvery: 5 }, grid: { stepSize: [1, 30], L: [2, 4] }, seeds: 6 };
const provenance = { packages: { gradgap: '0.1.0' }, wgslHash: 'x', runtime: 'node', command: 'test' };

describe('results table', () => {
  it('bakes, reads back exactly, and compares bit for bit with itself', async () => {
    const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
    expect(summary.cellStats).toHaveLength(4);
    expect(summary.bands.length).toBe(4 * 5 * 4);
    const back = decodeBaked(encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } })).sweeps.s;
    expect(back.finalJ).toEqual(summary.finalJ);
    expect(back.bands).toEqual(summary.bands);
    expect(back.cellStats).toEqual(summary.cellStats);
    const report = compareWithBaked(back, summary);
    expect(report).toMatchObject({ kind: 'bit-for-bit', ok: true, runsDiffering: 0, runs: 24 });
    expect(report.summary).toMatch(/^Bit for bit: all 24 runs/);
    expect(sweepCsv(summary).split('\n')[0]).toBe(
      'cell,L,stepSize,effectiveStepSize,J0,runs,finite,diverged,meanFinalJ,q10,q25,q50,q75,q90,collapsed,collapseProbability',
    );
  });

  it('counts differing runs, and switches to a statistical check across adapter kinds', async () => {
    const baked = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
    const fresh: SweepSummary = { ...baked, finalJ: baked.finalJ.slice(), backend: { ...baked.backend, kind: 'webgpu', adapter: 'Some GPU' } };
    fresh.finalJ[3] = Math.fround(fresh.finalJ[3] * (1 + 2 ** -20));
    const report = compareWithBaked(baked, fresh);
    expect(report.kind).toBe('statistical');
    expect(report.runsDiffering).toBe(1);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatch(/Within sampling error: 4 of 4 cells agree.*23 of 24 runs identical to the last bit/);
    const same = compareWithBaked(baked, { ...fresh, backend: baked.backend });
    expect(same).toMatchObject({ kind: 'bit-for-bit', ok: false, runsDiffering: 1 });
  });
});
