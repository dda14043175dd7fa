import { describe, expect, it } from 'vitest';
import { compareWithBaked, decodeBaked, encodeBaked, summarizeSweep, type SweepSummary } from './index.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const spec = { base: { iterations: 30, recordEvery: 10 }, grid: { stepSize: [1, 30] }, seeds: 32 };
const provenance = { packages: { gradgap: '0.1.0' }, wgslHash: 'x', runtime: 'node', command: 'test' };
const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
const gpu = { ...summary.backend, kind: 'webgpu' as const, adapter: 'Some GPU' };
const copy = (s: SweepSummary): SweepSummary => decodeBaked(encodeBaked({ notebook: 'n.html', provenance, sweeps: { s } })).sweeps.s;
const R = summary.recordSteps.length; // 0, 10, 20, 30

describe('compareWithBaked covers what a reader sees', () => {
  it('bit for bit: a cut to fewer runs is not "all 32 runs identical"', () => {
    const baked = {
      ...copy(summary),
      finalJ: summary.finalJ.slice(0, 32),
      minJ: summary.minJ.slice(0, 32),
      initialJ: summary.initialJ.slice(0, 32),
      diverged: summary.diverged.slice(0, 32),
      cellStats: summary.cellStats.slice(0, 1),
    };
    const report = compareWithBaked(baked, summary);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(expect.arrayContaining(['run count: baked 32 runs, re-run 64', 'cellStats: baked 1 cells, re-run 2']));
    expect(report.summary).toMatch(/^Not bit for bit: .*run count: baked 32 runs, re-run 64/);
  });

  it('bit for bit: every band value, including the ‖g‖(t) ones', () => {
    const baked = copy(summary);
    baked.gapBands![4 * R + 1] += 1; // cell 1, step 0, q50
    const report = compareWithBaked(baked, summary);
    expect(report.differences).toEqual([
      expect.stringMatching(/^‖g‖\(t\) bands: 1 of 32 values differ: cell 1 \(stepSize=30\) step 0 q50: baked [\d.]+, re-run [\d.]+$/),
    ]);
  });

  it('bit for bit: the ‖Δθ‖(t) bands too', () => {
    const baked = copy(summary);
    expect(baked.updateBands).toBeDefined();
    baked.updateBands![4 * R + 2] += 1; // cell 1, step 0, q90
    expect(compareWithBaked(baked, summary).differences).toEqual([
      expect.stringMatching(/^‖Δθ‖\(t\) bands: 1 of 32 values differ: cell 1 \(stepSize=30\) step 0 q90: /),
    ]);
    expect(compareWithBaked(summary, { ...summary, updateBands: undefined }).differences).toEqual(['‖Δθ‖(t) bands: baked, but the re-run has none']);
    expect(compareWithBaked({ ...summary, updateBands: undefined }, summary).ok).toBe(true); // baked before ‖Δθ‖ existed
  });

  it('across adapters: baked cell statistics must be those of the baked runs', () => {
    const baked = { ...copy(summary), backend: gpu };
    expect(compareWithBaked(baked, summary)).toMatchObject({ kind: 'statistical', ok: true, differences: [] });
    baked.cellStats[1] = { ...baked.cellStats[1], q25: baked.cellStats[1].q25 + 1e-4 };
    const report = compareWithBaked(baked, summary);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      expect.stringMatching(/^cellStats: 1 value is not those of the baked runs: cell 1 \(stepSize=30\) q25: baked [\d.e-]+, but its runs give [\d.e-]+$/),
    ]);
    expect(report.summary).toMatch(/^Does not match: 2 of 2 cells agree .*re-run on CPU twin\): cellStats: 1 value/);
  });

  it("across adapters: the last step's J band must be that of the runs' final J", () => {
    const baked = { ...copy(summary), backend: gpu };
    baked.bands[(0 * R + R - 1) * 4 + 3] += 1e-3; // cell 0, last step, mean
    expect(compareWithBaked(baked, summary).differences).toEqual([
      expect.stringMatching(/^bands: 1 value is not those of the baked runs: cell 0 \(stepSize=1\) step 30 mean: /),
    ]);
  });

  it('across adapters: J(t) bands replaced beyond sampling error', () => {
    const baked = { ...copy(summary), backend: gpu };
    const at = (0 * R + 1) * 4 + 3; // cell 0, step 10, mean
    baked.bands[at] = summary.bands[at] > 0.5 ? 0.01 : 0.99;
    const report = compareWithBaked(baked, summary);
    expect(report.ok).toBe(false);
    expect(report.cellsOutside).toBe(1);
    expect(report.differences).toEqual([
      expect.stringMatching(
        /^1 of 2 cells outside sampling error: cell 0 \(stepSize=1\): J\(t\) band mean at step 10 baked 0\.\d+, re-run [\d.]+ \(\|z\| = [\d.]+\)$/,
      ),
    ]);
    expect(report.summary).toMatch(/^Outside sampling error: 1 of 2 cells agree/);
  });

  it('across adapters: spec, seeds and run count must still be identical', () => {
    const baked = { ...copy(summary), backend: gpu };
    baked.spec = { ...baked.spec, seed: 7 };
    expect(compareWithBaked(baked, summary).differences).toEqual(['spec (with its seeds): 1 field differs: spec.seed: baked 7, re-run 1']);
  });
});

describe('decodeBaked refuses an edited or foreign file', () => {
  const text = encodeBaked({ notebook: 'n.html', provenance, sweeps: { s: summary } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit the file as untyped JSON
  const edited = (edit: (body: any) => void) => {
    const body = JSON.parse(text);
    edit(body);
    return () => decodeBaked(JSON.stringify(body));
  };
  it('reads its own file', () => expect(copy(summary).cellStats).toEqual(summary.cellStats));
  it('unknown keys', () => {
    expect(edited((b) => (b.extra = 1))).toThrow(/^the file: unknown key "extra"/);
    expect(edited((b) => (b.sweeps.s.trajectory = ''))).toThrow(/^sweep "s": unknown key "trajectory"/);
    expect(edited((b) => (b.sweeps.s.cellStats[0].mean = 0))).toThrow(/^sweep "s" cellStats\[0\]: unknown key "mean"/);
  });
  it('missing fields', () => {
    expect(edited((b) => delete b.sweeps)).toThrow(/^the file: missing "sweeps"/);
    expect(edited((b) => delete b.sweeps.s.minJ)).toThrow(/^sweep "s": missing "minJ"/);
    expect(edited((b) => delete b.sweeps.s.backend.adapter)).toThrow(/^sweep "s" backend: missing "adapter"/);
  });
  it('parts that disagree: seeds, run count, band sizes, cells', () => {
    expect(edited((b) => (b.sweeps.s.seeds.perCell = 16))).toThrow(/^sweep "s" seeds\.perCell: 16 but the spec has seeds = 32/);
    expect(edited((b) => (b.sweeps.s.spec.grid.stepSize = [1]))).toThrow(/^sweep "s" finalJ: 64 runs, but the spec has 1 cells × 32 seeds = 32/);
    expect(edited((b) => (b.sweeps.s.recordSteps = [0, 30]))).toThrow(/^sweep "s" bands: 32 values, but 2 cells × 2 recorded steps × 4 = 16/);
    expect(edited((b) => (b.sweeps.s.cellStats[1].cell = 0))).toThrow(
      /^sweep "s" cellStats\[1\]\.cell: 0 is not a cell of the grid \(0 … 1\) or is listed twice/,
    );
    expect(edited((b) => b.sweeps.s.cellStats.pop())).toThrow(/^sweep "s" cellStats: 1 cells, but the sweep is complete and has 2/);
    expect(edited((b) => (b.sweeps.s.finalJ = 'AAA'))).toThrow(/^sweep "s" finalJ: 2 bytes is not a whole number of float32 values/);
  });
});

describe('compareWithBaked across adapters: per-run values that cannot move', () => {
  it('J(θ0) beyond f32 noise, and a min J above the final J', () => {
    const baked = { ...copy(summary), backend: gpu };
    baked.initialJ[3] += 0.01;
    baked.minJ[40] = baked.finalJ[40] + 0.01;
    const report = compareWithBaked(baked, summary);
    expect(report.differences).toEqual([
      expect.stringMatching(/^minJ: 1 baked run has a minimum above its final J: run 40 \(cell 1 \(stepSize=30\), seed 8\) min J [\d.e-]+ > final J [\d.e-]+$/),
      expect.stringMatching(/^initialJ: 1 of 64 runs differ by more than 0\.0001: run 3 \(cell 0 \(stepSize=1\), seed 3\) baked [\d.]+, re-run [\d.]+$/),
    ]);
  });
});

describe('compareWithBaked on a sweep whose per-run series were not kept', () => {
  it('compares what both kept, bit for bit, and says which series were checked only through bands', async () => {
    const lean = await summarizeSweep(await runSweep(spec, { backend: 'cpu', keepSeries: false }));
    expect(lean.runSeries).toBeUndefined();
    expect(lean.trajectoryHash).toBe(summary.trajectoryHash);
    expect(Array.from(lean.bands)).toEqual(Array.from(summary.bands));
    const report = compareWithBaked(copy(summary), lean);
    expect(report.ok).toBe(true);
    expect(report.headline).toMatch(/^Bit for bit: all 64 runs and every J\(t\) identical/);
    expect(report.notCompared).toMatch(
      /^Per-run series not kept by the baked file: .*gapNorm.*compared through their per-cell bands; .*thetaNorm.* not compared\.$/,
    );
    expect(report.summary.endsWith(report.notCompared)).toBe(true);
  });
});
