import { describe, expect, it } from 'vitest';
import { simulateChunkCpu } from '../engine/cpu-chunk.ts';
import { expandGrid, withDefaults, type SweepSpecInput } from '../spec/spec.ts';
import { cellStatsCpu } from '../engine/stats.ts';
import { empiricalCriticalStepSize, type SweepFinals } from './empirical-threshold.ts';
import { theoryCurves } from './theory-curves.ts';

/**
 * Synthetic results: in cell (L, η_i), seeds j < collapsedSeeds[i] end at 0 and the rest at `rest[i]`.
 * L = 4: means 0.5, 0.3, 0.1, 0 and collapse shares 0, 1/4, 3/4, 1 over η = 1, 2, 4, 8, so both
 * crossings sit at log-midpoint 2√2. L = 8 is the same pattern shifted one η down. `etas`: a
 * sub-grid of η = 1, 2, 4, 8 with the same runs in each cell.
 */
function syntheticResult(etas = [1, 2, 4, 8]): SweepFinals {
  const S = 40;
  const spec = withDefaults({ base: { J0: 0.2 }, grid: { L: [4, 8], stepSize: etas }, seeds: S, collapseFraction: 0.5 });
  const cells = expandGrid(spec);
  const pattern = { collapsed: [0, 10, 30, 40], rest: [0.5, 0.4, 0.4, 0.4] };
  const finalJ = new Float32Array(cells.length * S);
  const diverged = new Uint8Array(cells.length * S);
  for (const cell of cells) {
    const i = Math.min(3, [1, 2, 4, 8].indexOf(cell.params.stepSize) + (cell.params.L === 8 ? 1 : 0));
    for (let j = 0; j < S; j++) finalJ[cell.index * S + j] = j < pattern.collapsed[i] ? 0 : pattern.rest[i];
  }
  const collapsedCell = cells.find((c) => c.params.L === 4 && c.params.stepSize === 8);
  if (collapsedCell) {
    diverged[collapsedCell.index * S] = 1; // one diverged run in the collapsed L=4, η=8 cell
    finalJ[collapsedCell.index * S] = NaN;
  }
  const cellStats = cells.map((c) =>
    cellStatsCpu(c.index, finalJ.subarray(c.index * S, (c.index + 1) * S), diverged.subarray(c.index * S, (c.index + 1) * S), 0.1),
  );
  return { spec, cellStats, finalJ, diverged, initialJ: new Float32Array(finalJ.length).fill(0.2) };
}

/** Results of the CPU twin (runSweep itself imports webgpu-utils, which needs Float16Array: not in Node 20). */
function cpuSweep(input: SweepSpecInput): SweepFinals {
  const spec = withDefaults(input);
  const cells = expandGrid(spec);
  const S = spec.seeds;
  const c = simulateChunkCpu(spec, 0, cells.length * S);
  const cellStats = cells.map((cell) =>
    cellStatsCpu(
      cell.index,
      c.finalJ.subarray(cell.index * S, (cell.index + 1) * S),
      c.diverged.subarray(cell.index * S, (cell.index + 1) * S),
      spec.collapseFraction * cell.params.J0,
    ),
  );
  return { spec, cellStats, finalJ: c.finalJ, diverged: c.diverged, initialJ: c.initialJ };
}

describe('empirical critical step size', () => {
  it('locates the collapse crossing at another level when asked (SPEC P2 calls a cell collapsed above 15%)', () => {
    const [row] = empiricalCriticalStepSize(syntheticResult(), { resamples: 50, collapseLevel: 0.15 });
    // L = 4: shares 0 → 1/4 between η = 1 and 2, so 0.15 is crossed 60% of the way along log η.
    expect(row.collapseCrossing.stepSize).toBeCloseTo(2 ** 0.6, 12);
    expect(() => empiricalCriticalStepSize(syntheticResult(), { collapseLevel: 0 })).toThrow(/collapseLevel = 0: must be in \(0, 1\]/);
  });

  it('interpolates both crossings on log η, per series, with a paired bootstrap interval', () => {
    const result = syntheticResult();
    const rows = empiricalCriticalStepSize(result, { resamples: 400 });
    expect(rows.map((r) => r.series)).toEqual(['L=4', 'L=8']);
    const [l4, l8] = rows;
    expect(l4.meanCrossing.stepSize).toBeCloseTo(2 * Math.SQRT2, 6);
    expect(l4.collapseCrossing.stepSize).toBeCloseTo(2 * Math.SQRT2, 6);
    expect(l8.meanCrossing.stepSize).toBeCloseTo(Math.SQRT2, 6);
    expect(l4.meanCrossing.low!).toBeGreaterThanOrEqual(2);
    expect(l4.meanCrossing.high!).toBeLessThanOrEqual(4);
    expect(l4.meanCrossing.low!).toBeLessThan(2 * Math.SQRT2);
    expect(l4.meanCrossing.resamplesFound).toBe(400);
    // The per-cell numbers agree with the engine's cellStats (diverged runs out of the mean, counted as collapsed).
    result.cellStats.slice(0, 4).forEach((s, i) => {
      expect(l4.collapseProbability[i]).toBeCloseTo(s.collapseProbability, 12);
      expect(l4.meanFinalJ[i]).toBeCloseTo(s.meanFinalJ, 6);
    });
    expect(l4.diverged).toBe(1);
    // Deterministic: the same seed gives the same interval.
    expect(empiricalCriticalStepSize(result, { resamples: 400 })[0].meanCrossing).toEqual(l4.meanCrossing);
  });

  it('says when the crossing lies outside the grid', () => {
    const result = syntheticResult([1, 2]);
    const [l4, l8] = empiricalCriticalStepSize(result, { resamples: 50 });
    expect(l4.collapseCrossing).toMatchObject({ stepSize: null, status: 'above-grid', high: null });
    expect(l8.meanCrossing.status).toBe('found');
  });

  it('on a real CPU sweep (P1 setup, seq-sum): the empirical threshold sits within the spread of the exact one-step threshold', () => {
    const input = { base: { L: 8, J0: 0.2, iterations: 100 }, grid: { stepSize: [1, 3, 10, 30, 100] }, seeds: 24 };
    const result = cpuSweep(input);
    const [row] = empiricalCriticalStepSize(result, { resamples: 200 });
    const [, oneStep] = theoryCurves(input, { y: 'L', instances: 5 });
    const show = (v: number | null) => (v === null ? 'beyond the grid' : v.toFixed(1));
    console.log(
      `P1 (24 seeds, 100 steps): mean final J ${row.meanFinalJ.map((v) => v.toFixed(3)).join(', ')}; collapse ${row.collapseProbability.map((v) => v.toFixed(2)).join(', ')}; ` +
        `collapse crossing η = ${row.collapseCrossing.stepSize?.toFixed(1)} [${show(row.collapseCrossing.low)}, ${show(row.collapseCrossing.high)}]; ` +
        `mean-J crossing η = ${row.meanCrossing.stepSize?.toFixed(1)} [${show(row.meanCrossing.low)}, ${show(row.meanCrossing.high)}] (${row.meanCrossing.status}); ` +
        `exact one-step threshold median ${oneStep.eta?.toFixed(1)} over instances [${oneStep.etaLow?.toFixed(1)}, ${oneStep.etaHigh?.toFixed(1)}]`,
    );
    expect(row.collapseCrossing.status).toBe('found');
    expect(row.collapseCrossing.stepSize!).toBeGreaterThan(oneStep.etaLow!);
    expect(row.collapseCrossing.stepSize!).toBeLessThan(10 * oneStep.etaHigh!);
  });
});
