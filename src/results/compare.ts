/**
 * Reproduce: compares a fresh run of a sweep with its baked result. On the same kind of adapter
 * the runs must agree bit for bit (same Philox counters, same arithmetic); on another kind, WGSL
 * leaves exp and log precision to the GPU, so a run on a float tie can take another path, and
 * the check is statistical per cell. Either way it says which check applied and how many runs
 * differ. Everything a reader sees is covered, not just the runs: the spec and its seeds, the
 * run count, the recorded steps, every per-run array, the cell statistics and the J(t) and
 * ‖g‖(t) bands. Spec, seeds, steps and counts must be identical whatever the adapter. Bit for
 * bit, every other value must be identical to the re-run's too. Across adapters, cell statistics
 * and band means must agree within sampling error, J(θ0) within f32 noise, and the baked
 * statistics (and the last step's J band) must be exactly those of the baked runs. `differences`
 * names each mismatch (field, and cell, run or recorded step); the summary lists the first few.
 *
 * @example
 *   const report = compareWithBaked(baked, fresh);
 *   report.summary; // "Bit for bit: all 1536 runs and every J(t) identical (same kind of adapter: CPU twin both times); so are …"
 */
import { canonicalJson, cellStatsCpu, collapseThreshold, expandGrid, SERIES_BANDS, type BackendInfo, type Cell } from '../engine/index.ts';
import { bandOf } from './bands.ts';
import { BAND_FIELDS, BAND_GROUPS, GAP_BAND_FIELDS, RUN_SERIES_LIMIT, SERIES_OUTPUTS, seriesBands, type SweepSummary } from './summary.ts';

/** The series of the keyed band groups (lengths, SPEC 1.7; shares of prompts, SPEC 1.8), compared one by one. */
const GROUP_SERIES = Object.values(BAND_GROUPS).flat();

export type MatchKind = 'bit-for-bit' | 'statistical';

export interface ReproduceReport {
  kind: MatchKind; // which check applied
  why: string; // why that check: the two adapters
  runs: number; // runs compared
  runsDiffering: number; // runs whose final J, min J, initial J or divergence flag differ in any bit
  trajectoriesIdentical: boolean; // full J(t) arrays hash equal
  cells: number;
  cellsOutside: number; // cells whose mean final J, collapse probability or bands differ beyond sampling error
  worstZ: number; // largest |z| over cells (statistical check)
  differences: string[]; // every mismatch, one line each, naming the field and the cell, run or step
  ok: boolean; // the check passed
  headline: string; // the summary without the list of differences
  summary: string; // one sentence for the UI, then what was not compared
  notCompared: string; // the per-run series neither side could compare run by run (baked files never hold them; large sweeps do not keep them), and how they were checked instead
}

/** The z beyond which a cell counts as outside sampling error (conservative: seeds are shared, so runs are coupled). */
export const Z_LIMIT = 4;

/** Across adapters, how far J(θ0) of a run may differ (f32 noise is ~1e-6). */
export const INITIAL_J_TOLERANCE = 1e-4;

/** Same kind of adapter: the CPU twin both times, or WebGPU on the same adapter. */
export function sameAdapterKind(a: BackendInfo, b: BackendInfo): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'cpu' || a.adapter === b.adapter;
}

const describe = (b: BackendInfo) => (b.kind === 'cpu' ? 'CPU twin' : `WebGPU on ${b.adapter}`);

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Equal as JSON can carry them (cell statistics go through JSON, where −0 is 0 and NaN is null). */
const sameValue = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

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

/** Two-proportion z (pooled), for collapse probabilities and the share of finite ‖g‖. */
function zProportion(pa: number, pb: number, na: number, nb: number): number {
  if (Number.isNaN(pa) || Number.isNaN(pb) || !na || !nb) return 0;
  const pooled = (pa * na + pb * nb) / (na + nb);
  return zScore(pa - pb, Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb)));
}

/** A list of mismatches of one kind: counted in full, the first few spelled out. */
class Tally {
  count = 0;
  examples: string[] = [];
  constructor(private readonly limit = 3) {}
  add(example: string): void {
    if (this.count++ < this.limit) this.examples.push(example);
  }
  into(out: string[], what: (count: number) => string): void {
    if (!this.count) return;
    out.push(`${what(this.count)}: ${this.examples.join('; ')}${this.count > this.examples.length ? `; … ${this.count - this.examples.length} more` : ''}`);
  }
}

const differs = (n: number, what: string) => `${n} ${what}${n === 1 ? ' differs' : 's differ'}`;
const show = (v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v));

/** Paths at which two JSON values differ ('spec.seeds: baked 12, re-run 24'). */
function jsonDifferences(a: unknown, b: unknown, path: string, out: Tally): void {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  // Lists of another length are shown whole ('spec.grid.stepSize: baked [2], re-run [2,60]').
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b) && !(Array.isArray(a) && Object.keys(a).length !== Object.keys(b).length)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) jsonDifferences(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, out);
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b)) out.add(`${path}: baked ${a === undefined ? 'absent' : show(a)}, re-run ${b === undefined ? 'absent' : show(b)}`);
}

/** The grid cells of a summary's spec, or none when the spec cannot be expanded. */
function cellsOf(s: SweepSummary): Cell[] {
  try {
    return expandGrid(s.spec);
  } catch {
    return [];
  }
}

/** 'cell 3 (stepSize=60, L=6)': the cell's grid values in the grid's key order. */
function cellNames(s: SweepSummary): string[] {
  const keys = Object.keys(s.spec.grid ?? {});
  return cellsOf(s).map((cell, c) => {
    const values = cell.values as Record<string, unknown>;
    return `cell ${c} (${keys.map((k) => `${k}=${values[k]}`).join(', ')})`;
  });
}

const cellName = (names: string[], c: number) => names[c] ?? `cell ${c}`;

/** What must be identical whatever the adapter: spec, seeds, hash, steps, counts, completeness. */
function identityDifferences(baked: SweepSummary, fresh: SweepSummary, out: string[]): void {
  if (baked.specHash !== fresh.specHash) out.push(`specHash: baked ${baked.specHash.slice(0, 12)}…, re-run ${fresh.specHash.slice(0, 12)}…`);
  const spec = new Tally(5);
  jsonDifferences(baked.spec, fresh.spec, 'spec', spec);
  const order = (s: SweepSummary) => Object.keys(s.spec.grid ?? {}).join(', ');
  if (!spec.count && order(baked) !== order(fresh)) spec.add(`spec.grid order (sets the cell order): baked ${order(baked)}, re-run ${order(fresh)}`);
  spec.into(out, (n) => `spec (with its seeds): ${differs(n, 'field')}`);
  if (canonicalJson(baked.recordSteps) !== canonicalJson(fresh.recordSteps))
    out.push(`recordSteps: baked ${show(baked.recordSteps)}, re-run ${show(fresh.recordSteps)}`);
  if (baked.finalJ.length !== fresh.finalJ.length) out.push(`run count: baked ${baked.finalJ.length} runs, re-run ${fresh.finalJ.length}`);
  for (const k of ['minJ', 'initialJ', 'diverged'] as const) {
    if (baked[k].length !== baked.finalJ.length) out.push(`${k}: baked ${baked[k].length} values for ${baked.finalJ.length} runs`);
  }
  if (baked.cellStats.length !== fresh.cellStats.length) out.push(`cellStats: baked ${baked.cellStats.length} cells, re-run ${fresh.cellStats.length}`);
  if (baked.bands.length !== fresh.bands.length) out.push(`J(t) bands: baked ${baked.bands.length} values, re-run ${fresh.bands.length}`);
  if (baked.gapBands && fresh.gapBands && baked.gapBands.length !== fresh.gapBands.length)
    out.push(`‖g‖(t) bands: baked ${baked.gapBands.length} values, re-run ${fresh.gapBands.length}`);
  if (baked.updateBands && fresh.updateBands && baked.updateBands.length !== fresh.updateBands.length)
    out.push(`‖Δθ‖(t) bands: baked ${baked.updateBands.length} values, re-run ${fresh.updateBands.length}`);
  // Files baked before ‖Δθ‖ existed lack these bands (as older ones lack ‖g‖(t)): nothing to compare, and nothing shown.
  if (baked.updateBands && !fresh.updateBands) out.push('‖Δθ‖(t) bands: baked, but the re-run has none');
  // Length bands (SPEC 1.7) likewise: absent from files baked before lengths were recorded; only sweeps with many token prompts have shares of prompts (SPEC 1.8).
  for (const n of GROUP_SERIES) {
    const [a, b] = [seriesBands(baked, n), seriesBands(fresh, n)];
    if (a && !b) out.push(`${n} bands: baked, but the re-run has none`);
    else if (a && b && a.length !== b.length) out.push(`${n} bands: baked ${a.length} values, re-run ${b.length}`);
  }
  if (baked.complete !== fresh.complete) out.push(`complete: baked ${baked.complete}, re-run ${fresh.complete}`);
  if (baked.runsDone !== fresh.runsDone) out.push(`runsDone: baked ${baked.runsDone}, re-run ${fresh.runsDone}`);
  if (baked.stopReason !== fresh.stopReason) out.push(`stopReason: baked ${baked.stopReason}, re-run ${fresh.stopReason}`);
}

/** Bit for bit: every per-run value, cell statistic and band value. Returns the runs that differ. */
function exactDifferences(baked: SweepSummary, fresh: SweepSummary, cells: string[], out: string[]): number {
  const seeds = fresh.spec.seeds;
  const runName = (r: number) => `run ${r} (${cellName(cells, Math.floor(r / seeds))}, seed ${r % seeds})`;
  const runs = Math.min(baked.finalJ.length, fresh.finalJ.length);
  const differing = new Set<number>();
  for (const k of ['finalJ', 'minJ', 'initialJ', 'diverged'] as const) {
    const tally = new Tally();
    const n = Math.min(baked[k].length, fresh[k].length);
    for (let r = 0; r < n; r++) {
      if (sameBits(baked[k][r], fresh[k][r])) continue;
      differing.add(r);
      tally.add(`${runName(r)} baked ${show(baked[k][r])}, re-run ${show(fresh[k][r])}`);
    }
    tally.into(out, (c) => `${k}: ${c} of ${runs} runs differ`);
  }
  if (baked.trajectoryHash !== fresh.trajectoryHash)
    out.push(`J(t) of the runs (trajectoryHash): baked ${baked.trajectoryHash.slice(0, 12)}…, re-run ${fresh.trajectoryHash.slice(0, 12)}…`);

  const stats = new Tally(4);
  const bakedStats = new Map(baked.cellStats.map((s) => [s.cell, s]));
  for (const f of fresh.cellStats) {
    const b = bakedStats.get(f.cell);
    if (!b) {
      stats.add(`${cellName(cells, f.cell)} missing from the baked file`);
      continue;
    }
    for (const key of Object.keys(f) as (keyof typeof f)[]) {
      if (!sameValue(b[key], f[key])) stats.add(`${cellName(cells, f.cell)} ${key}: baked ${show(b[key])}, re-run ${show(f[key])}`);
    }
  }
  stats.into(out, (n) => `cellStats: ${differs(n, 'value')}`);

  const R = fresh.recordSteps.length;
  const bandDifferences = (name: string, fields: readonly string[], a: Float32Array, b: Float32Array) => {
    if (a.length !== b.length) return; // said above
    const tally = new Tally();
    for (let i = 0; i < a.length; i++) {
      if (sameBits(a[i], b[i])) continue;
      const field = fields[i % fields.length];
      const record = Math.floor(i / fields.length) % R;
      const cell = Math.floor(i / fields.length / R);
      tally.add(`${cellName(cells, cell)} step ${fresh.recordSteps[record]} ${field}: baked ${show(a[i])}, re-run ${show(b[i])}`);
    }
    tally.into(out, (n) => `${name}: ${n} of ${a.length} values differ`);
  };
  bandDifferences('J(t) bands', BAND_FIELDS, baked.bands, fresh.bands);
  if (baked.gapBands && fresh.gapBands) bandDifferences('‖g‖(t) bands', GAP_BAND_FIELDS, baked.gapBands, fresh.gapBands);
  if (baked.updateBands && fresh.updateBands && baked.updateBands.length === fresh.updateBands.length)
    bandDifferences('‖Δθ‖(t) bands', GAP_BAND_FIELDS, baked.updateBands, fresh.updateBands);
  for (const n of GROUP_SERIES) {
    const [a, b] = [seriesBands(baked, n), seriesBands(fresh, n)];
    if (a && b) bandDifferences(`${n} bands`, SERIES_BANDS[n], a, b);
  }
  return differing.size;
}

/**
 * The baked statistics must be those of the baked runs, whatever adapter made them: the cell
 * statistics recomputed from final J (the reduce kernel and its CPU twin agree bit for bit), and
 * the last recorded step's J band, which is the band of final J. Bands must be ordered.
 */
function consistencyDifferences(baked: SweepSummary, out: string[]): void {
  const grid = cellsOf(baked);
  const cells = cellNames(baked);
  const seeds = baked.spec.seeds;
  const R = baked.recordSteps.length;
  const stats = new Tally(4);
  const bands = new Tally();
  for (const s of baked.cellStats) {
    const b = s.cell * seeds;
    if (!grid[s.cell] || (s.cell + 1) * seeds > baked.finalJ.length) continue;
    const finalJ = baked.finalJ.subarray(b, b + seeds);
    const diverged = baked.diverged.subarray(b, b + seeds);
    const expected = cellStatsCpu(s.cell, finalJ, diverged, collapseThreshold(baked.spec, grid[s.cell]));
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      const tolerance = key === 'meanFinalJ' && baked.backend.kind === 'webgpu' ? 1e-6 : 0;
      if (!(sameValue(s[key], expected[key]) || Math.abs(s[key] - expected[key]) <= tolerance)) {
        stats.add(`${cellName(cells, s.cell)} ${key}: baked ${show(s[key])}, but its runs give ${show(expected[key])}`);
      }
    }
    const last = bandOf(Array.from(finalJ).filter((_, i) => !diverged[i]));
    const at = (s.cell * R + R - 1) * BAND_FIELDS.length;
    BAND_FIELDS.forEach((f, i) => {
      if (at + i < baked.bands.length && !sameBits(baked.bands[at + i], Math.fround(last[f]))) {
        bands.add(
          `${cellName(cells, s.cell)} step ${baked.recordSteps[R - 1]} ${f}: baked ${show(baked.bands[at + i])}, but its runs' final J give ${show(Math.fround(last[f]))}`,
        );
      }
    });
    for (const [name, data] of [
      ['J(t)', baked.bands],
      ['‖g‖(t)', baked.gapBands],
      ['‖Δθ‖(t)', baked.updateBands],
      ...GROUP_SERIES.map((n) => [n, seriesBands(baked, n)] as const),
    ]) {
      for (let r = 0; data && r < R; r++) {
        const o = (s.cell * R + r) * 4;
        if (data[o] > data[o + 1] || data[o + 1] > data[o + 2])
          bands.add(
            `${name} band of ${cellName(cells, s.cell)} step ${baked.recordSteps[r]}: q10 ≤ q50 ≤ q90 fails (${show(data[o])}, ${show(data[o + 1])}, ${show(data[o + 2])})`,
          );
      }
    }
  }
  const minJ = new Tally();
  for (let r = 0; r < Math.min(baked.finalJ.length, baked.minJ.length); r++) {
    // min J is over the recorded steps, the last of which is final J.
    if (!baked.diverged[r] && !(baked.minJ[r] <= baked.finalJ[r]))
      minJ.add(`run ${r} (${cellName(cells, Math.floor(r / seeds))}, seed ${r % seeds}) min J ${show(baked.minJ[r])} > final J ${show(baked.finalJ[r])}`);
  }
  minJ.into(out, (n) => `minJ: ${n} baked run${n === 1 ? ' has' : 's have'} a minimum above its final J`);
  stats.into(out, (n) => `cellStats: ${n} value${n === 1 ? ' is' : 's are'} not those of the baked runs`);
  bands.into(out, (n) => `bands: ${n} value${n === 1 ? ' is' : 's are'} not those of the baked runs`);
}

export function compareWithBaked(baked: SweepSummary, fresh: SweepSummary): ReproduceReport {
  const differences: string[] = [];
  identityDifferences(baked, fresh, differences);
  const cells = cellNames(fresh);
  const kind: MatchKind = sameAdapterKind(baked.backend, fresh.backend) ? 'bit-for-bit' : 'statistical';
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
  if (kind === 'bit-for-bit') exactDifferences(baked, fresh, cells, differences);
  else {
    consistencyDifferences(baked, differences);
    // J(θ0) is computed, not sampled: across adapters it differs only in the last bits.
    const initial = new Tally();
    for (let r = 0; r < Math.min(baked.initialJ.length, fresh.initialJ.length); r++) {
      if (!(Math.abs(baked.initialJ[r] - fresh.initialJ[r]) <= INITIAL_J_TOLERANCE)) {
        initial.add(
          `run ${r} (${cellName(cells, Math.floor(r / fresh.spec.seeds))}, seed ${r % fresh.spec.seeds}) baked ${show(baked.initialJ[r])}, re-run ${show(fresh.initialJ[r])}`,
        );
      }
    }
    initial.into(differences, (n) => `initialJ: ${n} of ${runs} runs differ by more than ${INITIAL_J_TOLERANCE}`);
  }

  // Sampling error per cell: mean final J and collapse probability from the runs, and, per
  // recorded step, the J band's mean and the share of runs with a finite ‖g‖. The band's spread
  // is not stored, so its mean's standard error is bounded by Bhatia–Davis (J lies in [0, 1]).
  const seeds = fresh.spec.seeds;
  const nCells = Math.floor(runs / seeds);
  const R = fresh.recordSteps.length;
  const comparableBands = baked.bands.length === fresh.bands.length && baked.recordSteps.length === R;
  const comparableGap = comparableBands && baked.gapBands && fresh.gapBands && baked.gapBands.length === fresh.gapBands.length;
  const outside = new Tally();
  let cellsOutside = 0;
  let worstZ = 0;
  for (let c = 0; c < nCells; c++) {
    const a = moments(baked, c * seeds, (c + 1) * seeds);
    const b = moments(fresh, c * seeds, (c + 1) * seeds);
    const zMean = a.n && b.n ? zScore(a.mean - b.mean, Math.sqrt(a.variance / a.n + b.variance / b.n)) : a.n === b.n ? 0 : Infinity;
    const pa = baked.cellStats.find((s) => s.cell === c)?.collapseProbability ?? NaN;
    const pb = fresh.cellStats.find((s) => s.cell === c)?.collapseProbability ?? NaN;
    const pooled = (pa + pb) / 2;
    const zCollapse = zScore(pa - pb, Math.sqrt((2 * pooled * (1 - pooled)) / seeds));
    let z = Math.max(zMean, Number.isNaN(zCollapse) ? 0 : zCollapse);
    let what = zMean >= z ? `mean final J baked ${show(a.mean)}, re-run ${show(b.mean)}` : `collapse probability baked ${pa}, re-run ${pb}`;
    for (let r = 0; kind === 'statistical' && comparableBands && r < R; r++) {
      const at = (c * R + r) * BAND_FIELDS.length + BAND_FIELDS.indexOf('mean');
      const ma = baked.bands[at];
      const mb = fresh.bands[at];
      if (Number.isNaN(ma) && Number.isNaN(mb)) continue;
      if (Number.isNaN(ma) || Number.isNaN(mb) || !a.n || !b.n) {
        if (ma !== mb) [z, what] = [Infinity, `J(t) band mean at step ${fresh.recordSteps[r]} baked ${show(ma)}, re-run ${show(mb)}`];
        continue;
      }
      const va = Math.max(0, ma * (1 - ma));
      const vb = Math.max(0, mb * (1 - mb));
      const zBand = zScore(ma - mb, Math.sqrt(va / a.n + vb / b.n));
      if (zBand > z) [z, what] = [zBand, `J(t) band mean at step ${fresh.recordSteps[r]} baked ${show(ma)}, re-run ${show(mb)}`];
      if (!comparableGap) continue;
      const g = (c * R + r) * GAP_BAND_FIELDS.length + GAP_BAND_FIELDS.indexOf('finite');
      const zGap = zProportion(baked.gapBands![g] / a.n, fresh.gapBands![g] / b.n, a.n, b.n);
      if (zGap > z) [z, what] = [zGap, `runs with a finite ‖g‖ at step ${fresh.recordSteps[r]} baked ${baked.gapBands![g]}, re-run ${fresh.gapBands![g]}`];
    }
    worstZ = Math.max(worstZ, z);
    if (z > Z_LIMIT) {
      cellsOutside++;
      outside.add(`${cellName(cells, c)}: ${what} (|z| = ${z.toFixed(1)})`);
    }
  }
  if (kind === 'statistical') outside.into(differences, (n) => `${n} of ${nCells} cells outside sampling error`);

  const trajectoriesIdentical = baked.trajectoryHash === fresh.trajectoryHash;
  const why =
    kind === 'bit-for-bit'
      ? `same kind of adapter: ${describe(fresh.backend)} both times`
      : `baked on ${describe(baked.backend)}, re-run on ${describe(fresh.backend)}`;
  const ok = differences.length === 0;
  const differ = `${runsDiffering} of ${runs} runs differ in some bit`;
  const listed = differences.length ? `: ${differences.slice(0, 3).join(' | ')}${differences.length > 3 ? ` | and ${differences.length - 3} more` : ''}` : '';
  const gap = baked.gapBands ? 'J(t) and ‖g‖(t) bands' : 'J(t) bands (no ‖g‖(t) bands were baked)';
  const headline =
    kind === 'bit-for-bit'
      ? ok
        ? `Bit for bit: all ${runs} runs and every J(t) identical (${why}); so are the cell statistics, the ${gap}, the spec and its seeds`
        : `Not bit for bit: ${differ}${trajectoriesIdentical ? '' : ', and the J(t) arrays differ'} (${why})`
      : `${ok ? 'Within sampling error' : cellsOutside ? 'Outside sampling error' : 'Does not match'}: ${nCells - cellsOutside} of ${nCells} cells agree (largest |z| = ${worstZ.toFixed(2)}, limit ${Z_LIMIT}); ${differ} (${why})`;
  const notCompared = notComparedText(baked, fresh);
  const summary = `${ok ? `${headline}.` : `${headline}${listed}`} ${notCompared}`;
  return { kind, why, runs, runsDiffering, trajectoriesIdentical, cells: nCells, cellsOutside, worstZ, differences, ok, headline, summary, notCompared };
}

/**
 * What a comparison of summaries cannot check run by run: the per-record series other than J(t)
 * (whose whole array is hashed), unless both sides kept them. Each is then checked through its
 * per-cell bands where it has them (SERIES_BANDS), else not at all; said in one sentence.
 */
function notComparedText(baked: SweepSummary, fresh: SweepSummary): string {
  const missing = SERIES_OUTPUTS.filter((n) => n !== 'trajectory' && !(baked.runSeries?.[n] && fresh.runSeries?.[n]));
  if (missing.length === 0) return '';
  const side = !baked.runSeries ? 'the baked file' : 'this run';
  const values = fresh.finalJ.length * fresh.recordSteps.length;
  const why = !fresh.runSeries && values > RUN_SERIES_LIMIT ? `, nor this run: ${values} values a series, over the ${RUN_SERIES_LIMIT} the page keeps` : '';
  const banded = missing.filter((n) => n in SERIES_BANDS);
  const unbanded = missing.filter((n) => !(n in SERIES_BANDS));
  return (
    `Per-run series not kept by ${side}${why}: ${banded.length ? `${banded.join(', ')} compared through their per-cell bands` : ''}` +
    `${banded.length && unbanded.length ? '; ' : ''}${unbanded.length ? `${unbanded.join(', ')} not compared` : ''}.`
  );
}
