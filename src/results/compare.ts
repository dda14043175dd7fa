/**
 * Reproduce: compares a fresh run of a sweep with its baked result. On the same kind of adapter
 * the runs must agree bit for bit (same Philox counters, same arithmetic); on another kind, WGSL
 * leaves exp and log precision to the GPU, so a run on a float tie can take another path, and
 * the check is statistical per cell. Either way it says which check applied and how many runs
 * differ.
 *
 * @example
 *   const report = compareWithBaked(baked, fresh);
 *   report.summary; // "bit for bit: 1536 of 1536 runs identical (CPU twin both times)"
 */
import type { BackendInfo } from '../engine/results.ts';
import type { SweepSummary } from './summary.ts';

export type MatchKind = 'bit-for-bit' | 'statistical';

export interface ReproduceReport {
  kind: MatchKind; // which check applied
  why: string; // why that check: the two adapters
  runs: number; // runs compared
  runsDiffering: number; // runs whose final J, min J, initial J or divergence flag differ in any bit
  trajectoriesIdentical: boolean; // full J(t) arrays hash equal
  cells: number;
  cellsOutside: number; // cells whose mean final J or collapse probability differ beyond sampling error
  worstZ: number; // largest |z| over cells (statistical check)
  ok: boolean; // the check passed
  summary: string; // one sentence for the UI
}

/** The z beyond which a cell counts as outside sampling error (conservative: seeds are shared, so runs are coupled). */
export const Z_LIMIT = 4;

/** Same kind of adapter: the CPU twin both times, or WebGPU on the same adapter. */
export function sameAdapterKind(a: BackendInfo, b: BackendInfo): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'cpu' || a.adapter === b.adapter;
}

const describe = (b: BackendInfo) => (b.kind === 'cpu' ? 'CPU twin' : `WebGPU on ${b.adapter}`);

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Mean and variance of the finite final J of runs [begin, end). */
function moments(s: SweepSummary, begin: number, end: number): { n: number; mean: number; variance: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let r = begin; r < end; r++) {
    if (s.diverged[r]) continue;
    const x = s.finalJ[r];
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = n ? sum / n : NaN;
  return { n, mean, variance: n > 1 ? Math.max(0, (sq - n * mean * mean) / (n - 1)) : 0 };
}

/** Two-sample z of a difference; 0 when both sides are exactly equal, large when only one side varies. */
function zScore(diff: number, se: number): number {
  if (diff === 0) return 0;
  return Math.abs(diff) / Math.max(se, 1e-6);
}

export function compareWithBaked(baked: SweepSummary, fresh: SweepSummary): ReproduceReport {
  if (baked.specHash !== fresh.specHash) throw new Error(`the specs differ (baked ${baked.specHash.slice(0, 12)}…, re-run ${fresh.specHash.slice(0, 12)}…): nothing to compare`);
  const runs = Math.min(baked.finalJ.length, fresh.finalJ.length);
  let runsDiffering = 0;
  for (let r = 0; r < runs; r++) {
    const same =
      sameBits(baked.finalJ[r], fresh.finalJ[r]) &&
      sameBits(baked.minJ[r], fresh.minJ[r]) &&
      sameBits(baked.initialJ[r], fresh.initialJ[r]) &&
      baked.diverged[r] === fresh.diverged[r];
    if (!same) runsDiffering++;
  }
  const seeds = baked.spec.seeds;
  const cells = Math.floor(runs / seeds);
  let cellsOutside = 0;
  let worstZ = 0;
  for (let c = 0; c < cells; c++) {
    const a = moments(baked, c * seeds, (c + 1) * seeds);
    const b = moments(fresh, c * seeds, (c + 1) * seeds);
    const zMean = a.n && b.n ? zScore(a.mean - b.mean, Math.sqrt(a.variance / a.n + b.variance / b.n)) : a.n === b.n ? 0 : Infinity;
    const pa = baked.cellStats.find((s) => s.cell === c)?.collapseProbability ?? NaN;
    const pb = fresh.cellStats.find((s) => s.cell === c)?.collapseProbability ?? NaN;
    const pooled = (pa + pb) / 2;
    const zCollapse = zScore(pa - pb, Math.sqrt((2 * pooled * (1 - pooled)) / seeds));
    const z = Math.max(zMean, Number.isNaN(zCollapse) ? 0 : zCollapse);
    worstZ = Math.max(worstZ, z);
    if (z > Z_LIMIT) cellsOutside++;
  }
  const trajectoriesIdentical = baked.trajectoryHash === fresh.trajectoryHash;
  const kind: MatchKind = sameAdapterKind(baked.backend, fresh.backend) ? 'bit-for-bit' : 'statistical';
  const why =
    kind === 'bit-for-bit'
      ? `same kind of adapter: ${describe(fresh.backend)} both times`
      : `baked on ${describe(baked.backend)}, re-run on ${describe(fresh.backend)}`;
  const ok = kind === 'bit-for-bit' ? runsDiffering === 0 && trajectoriesIdentical : cellsOutside === 0;
  const differ = `${runsDiffering} of ${runs} runs differ in some bit`;
  const summary =
    kind === 'bit-for-bit'
      ? ok
        ? `Bit for bit: all ${runs} runs and every J(t) identical (${why}).`
        : `Not bit for bit: ${differ}${trajectoriesIdentical ? '' : ', and the J(t) arrays differ'} (${why}).`
      : `${ok ? 'Within sampling error' : 'Outside sampling error'}: ${cells - cellsOutside} of ${cells} cells agree (largest |z| = ${worstZ.toFixed(2)}, limit ${Z_LIMIT}); ${differ} (${why}).`;
  return { kind, why, runs, runsDiffering, trajectoriesIdentical, cells, cellsOutside, worstZ, ok, summary };
}
