import { describe, expect, it } from 'vitest';
import { compareWithBaked, decodeBaked, encodeBaked, FLOAT_TIE_RATE, floatTieAllowance, summarizeSweep, type SweepSummary } from './index.ts';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../engine/index.ts');

const spec = { base: { iterations: 30, recordEvery: 10 }, grid: { stepSize: [1, 30] }, seeds: 32 };
const provenance = { packages: { gradgap: '0.1.0' }, wgslHash: 'x', runtime: 'node', command: 'test' };
const summary = await summarizeSweep(await runSweep(spec, { backend: 'cpu' }));
const gpu = { ...summary.backend, kind: 'webgpu' as const, adapter: 'Some GPU' };
const copy = (s: SweepSummary): SweepSummary => decodeBaked(encodeBaked({ notebook: 'n.html', provenance, sweeps: { s } })).sweeps.s;
/**
 * A file as a GPU bakes it: every run's J(θ0) a few ulps from the twin's (WGSL's exp is not the
 * twin's), which no statistic or band holds; everything else as the twin's.
 */
const gpuLike = (s: SweepSummary): SweepSummary => {
  const out = { ...copy(s), backend: gpu };
  out.initialJ = out.initialJ.map((j) => Math.fround(j * (1 + 2 ** -21)));
  return out;
};
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
    expect(compareWithBaked(summary, { ...summary, updateBands: undefined }).differences).toEqual(['updateBands: baked, but the re-run has no ‖Δθ‖(t) bands']);
  });

  it('across adapters: baked cell statistics must be those of the baked runs', () => {
    const baked = gpuLike(summary);
    expect(compareWithBaked(baked, summary)).toMatchObject({ kind: 'float-ties', ok: true, differences: [] });
    baked.cellStats[1] = { ...baked.cellStats[1], q25: baked.cellStats[1].q25 + 1e-4 };
    const report = compareWithBaked(baked, summary);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      expect.stringMatching(/^cellStats: 1 value is not those of the baked runs: cell 1 \(stepSize=30\) q25: baked [\d.e-]+, but its runs give [\d.e-]+$/),
    ]);
    expect(report.summary).toMatch(/^Does not match: 64 of 64 runs on the re-run's path .*re-run on CPU twin\): cellStats: 1 value/);
  });

  it("across adapters: the last step's J band must be that of the runs' final J", () => {
    const baked = gpuLike(summary);
    baked.bands[(0 * R + R - 1) * 4 + 3] += 1e-3; // cell 0, last step, mean
    expect(compareWithBaked(baked, summary).differences).toEqual([
      expect.stringMatching(/^bands: 1 value is not those of the baked runs: cell 0 \(stepSize=1\) step 30 mean: /),
    ]);
  });

  it('between two GPUs: J(t) bands replaced beyond sampling error', () => {
    const baked = gpuLike(summary);
    const at = (0 * R + 1) * 4 + 3; // cell 0, step 10, mean
    baked.bands[at] = summary.bands[at] > 0.5 ? 0.01 : 0.99;
    const report = compareWithBaked(baked, { ...summary, backend: { ...gpu, adapter: 'Another GPU' } });
    expect(report.kind).toBe('statistical');
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
    const baked = gpuLike(summary);
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
    const baked = gpuLike(summary);
    baked.initialJ[3] += 0.01;
    baked.minJ[40] = baked.finalJ[40] + 0.01;
    const report = compareWithBaked(baked, summary);
    expect(report.differences).toEqual([
      expect.stringMatching(/^minJ: 1 baked run has a minimum above its final J: run 40 \(cell 1 \(stepSize=30\), seed 8\) min J [\d.e-]+ > final J [\d.e-]+$/),
      expect.stringMatching(/^initialJ: 1 of 64 runs differ by more than 0\.0001: run 3 \(cell 0 \(stepSize=1\), seed 3\) baked [\d.]+, re-run [\d.]+$/),
      // Its min J moved by 0.01: another path, and none of 64 runs may take one.
      expect.stringMatching(/^1 of 64 runs took another path .*: run 40 \(cell 1 \(stepSize=30\), seed 8\) minJ baked/),
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

describe('verify cannot be talked out of its check (re-run on the CPU twin)', () => {
  const relabelled = () => ({ ...copy(summary), backend: gpu });
  const swap = (b: SweepSummary, r1: number, r2: number) => {
    for (const k of ['finalJ', 'minJ', 'initialJ', 'diverged'] as const) [b[k][r1], b[k][r2]] = [b[k][r2], b[k][r1]];
    return b;
  };
  // Two runs of cell 0 whose final J differ by more than the path tolerance.
  const [r1, r2] = (() => {
    for (let a = 0; a < 32; a++) for (let b = a + 1; b < 32; b++) if (Math.abs(summary.finalJ[a] - summary.finalJ[b]) > 0.01) return [a, b];
    throw new Error('no two runs of cell 0 apart');
  })();

  it('a CPU-twin file relabelled as a GPU is still held bit for bit: its runs are the twin’s', () => {
    const report = compareWithBaked(relabelled(), summary);
    expect(report).toMatchObject({ kind: 'bit-for-bit', ok: true });
    expect(report.why).toMatch(/the file says WebGPU on Some GPU, but its runs are the CPU twin's bit for bit/);
    const swapped = compareWithBaked(swap(relabelled(), r1, r2), summary);
    expect(swapped.ok).toBe(false);
    const raised = relabelled();
    raised.bands[(0 * R + 1) * 4 + 2] += 0.05; // cell 0, step 10, q90
    expect(compareWithBaked(raised, summary).differences).toEqual([
      expect.stringMatching(/^J\(t\) bands: 1 of 32 values differ: cell 0 \(stepSize=1\) step 10 q90/),
    ]);
    const hashed = { ...relabelled(), trajectoryHash: '0'.repeat(64) };
    expect(compareWithBaked(hashed, summary).differences).toEqual([expect.stringMatching(/^J\(t\) of the runs \(trajectoryHash\): baked 000000000000…/)]);
  });

  it('a GPU file: two swapped runs are not float ties in a sweep of 64 runs (none allowed)', () => {
    expect(floatTieAllowance(64)).toBe(0);
    expect(floatTieAllowance(99)).toBe(0);
    expect(floatTieAllowance(100)).toBe(1);
    expect(FLOAT_TIE_RATE).toBeLessThanOrEqual(0.01);
    const report = compareWithBaked(swap(gpuLike(summary), r1, r2), summary);
    expect(report.kind).toBe('float-ties');
    expect(report.ok).toBe(false);
    expect(report.runsParted).toBe(2);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^2 of 64 runs took another path \(a per-run value apart by more than 0\.001\), more than the 0 float ties allowed/),
      ]),
    );
    expect(report.summary).toMatch(/^Does not match: 62 of 64 runs on the re-run's path within f32 noise, 2 took another path/);
  });

  it('a GPU file: a band quantile raised in a cell whose runs kept their paths fails; ‖g‖ quantiles are not compared, their counts are', () => {
    const raised = gpuLike(summary);
    raised.bands[(1 * R + 1) * 4 + 0] += 0.01; // cell 1, step 10, q10
    expect(compareWithBaked(raised, summary).differences).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^J\(t\) bands: 1 of 32 values differ beyond f32 noise \(0\.001 relative\) in cells whose runs all kept their paths: cell 1 \(stepSize=30\) step 10 q10/,
        ),
      ]),
    );
    const update = gpuLike(summary);
    update.updateBands![(0 * R + 2) * 4 + 1] *= 1.5; // cell 0, step 20, q50
    expect(compareWithBaked(update, summary).ok).toBe(false);
    const gapQuantile = gpuLike(summary);
    gapQuantile.gapBands![(0 * R + 1) * 4 + 1] *= 1.01; // ill-conditioned across adapters: not compared value by value
    const report = compareWithBaked(gapQuantile, summary);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatch(/nor the quantiles of ‖g‖\(t\) bands/);
    const gapCount = gpuLike(summary);
    gapCount.gapBands![(0 * R + 1) * 4 + 3] -= 1; // finite count
    expect(compareWithBaked(gapCount, summary).differences).toEqual([expect.stringMatching(/^‖g‖\(t\) bands: 1 of 32 values differ .*step 10 finite/)]);
  });

  it('a passing check across adapters never says that runs differ', () => {
    const report = compareWithBaked(gpuLike(summary), summary);
    expect(report.ok).toBe(true);
    expect(report.runsDiffering).toBe(64);
    expect(report.summary).toMatch(
      /^Within float ties: 64 of 64 runs on the re-run's path within f32 noise, 0 took another path \(at most 0 float ties allowed, 1 % of the runs\)/,
    );
    expect(report.summary).not.toMatch(/runs? differs?/);
  });

  it('a band key the spec implies, missing from the file, fails naming the key (whatever the check)', () => {
    for (const key of ['gapBands', 'updateBands', 'lengthBands'] as const) {
      for (const make of [copy, gpuLike]) {
        const baked = { ...make(summary), [key]: undefined };
        const report = compareWithBaked(baked, summary);
        expect(report.ok, key).toBe(false);
        const named =
          key === 'lengthBands'
            ? /^lengthBands\.meanLength: missing from the baked file, but the spec implies meanLength bands/
            : new RegExp(`^${key}: missing from the baked file`);
        expect(report.differences).toEqual(expect.arrayContaining([expect.stringMatching(named)]));
      }
    }
  });

  it('a sweep of many runs allows ⌊1 %⌋ of them to part at float ties, and no more', async () => {
    const big = await summarizeSweep(await runSweep({ ...spec, seeds: 100 }, { backend: 'cpu' }));
    const tie = gpuLike(big);
    const moved = (b: SweepSummary, runs: number[]) => {
      // A run that took another path: a lower final J and min J, and its cell's statistics and last band as its runs give them.
      for (const r of runs) [b.finalJ[r], b.minJ[r]] = [0, 0];
      return b;
    };
    const one = compareWithBaked(moved(tie, [5]), big);
    expect(one.runsParted).toBe(1);
    expect(one.partedAllowed).toBe(2);
    expect(one.differences.filter((d) => /took another path/.test(d))).toEqual([]);
    const many = compareWithBaked(moved(gpuLike(big), [5, 6, 7]), big);
    expect(many.differences).toEqual(expect.arrayContaining([expect.stringMatching(/^3 of 200 runs took another path .* more than the 2 float ties allowed/)]));
  });
});
