/**
 * Reproduce: compares a fresh run of a sweep with its baked result. On the same kind of adapter
 * the runs must agree bit for bit (same Philox counters, same arithmetic). WGSL leaves exp and log
 * precision to the GPU, so a GPU run on a float tie can take another path: re-run on the CPU twin
 * (what `gradgap verify` does), a file that says it was baked on a GPU is held run by run to f32
 * noise, with at most FLOAT_TIE_RATE of its runs allowed to have parted; between two GPUs the
 * check is statistical per cell. What a file says about its backend is not evidence: finals that
 * are the twin's bit for bit are held to the twin's results whole, whatever the label. Either way it says which check applied and how many runs
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
import {
  cellStatsCpu,
  collapseThreshold,
  BANDED_OUTPUTS,
  canonicalJson,
  outputApplies,
  PER_RUN_OUTPUTS,
  RUN_OUTPUTS,
  SERIES_BANDS,
  withDefaults,
  type BackendInfo,
} from '../engine/index.ts';
import { bandOf } from './bands.ts';
import {
  FLOAT_TIE_RATE,
  floatTieAllowance,
  floatTieDifferences,
  ILL_CONDITIONED,
  INITIAL_J_TOLERANCE,
  samplingDifferences,
  Z_LIMIT,
} from './compare-across.ts';
import {
  bandDifferences,
  bandName,
  cellName,
  cellNames,
  cellsOf,
  differs,
  jsonDifferences,
  perRun,
  runName,
  sameBits,
  sameValue,
  show,
  Tally,
} from './compare-text.ts';

export { BAND_TOLERANCE, FLOAT_TIE_RATE, floatTieAllowance, INITIAL_J_TOLERANCE, PATH_TOLERANCE, Z_LIMIT } from './compare-across.ts';
import { BAND_FIELDS, bandKeyOf, RUN_SERIES_LIMIT, SERIES_OUTPUTS, seriesBands, type SweepSummary } from './summary.ts';

/**
 * bit-for-bit: the same kind of adapter (or a file whose runs are the twin's); float-ties: a GPU's
 * file re-run on the CPU twin; statistical: two different GPUs.
 */
export type MatchKind = 'bit-for-bit' | 'float-ties' | 'statistical';

export interface ReproduceReport {
  kind: MatchKind; // which check applied
  why: string; // why that check: the two adapters
  runs: number; // runs compared
  runsDiffering: number; // runs whose per-run outputs (final J, min J, initial J, divergence flag) differ in any bit
  runsParted: number; // runs whose per-run outputs differ beyond f32 noise (PATH_TOLERANCE), or whose divergence flag differs: another path
  partedAllowed: number; // float ties allowed (float-ties check; 0 bit for bit)
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

/** Same kind of adapter: the CPU twin both times, or WebGPU on the same adapter. */
export function sameAdapterKind(a: BackendInfo, b: BackendInfo): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'cpu' || a.adapter === b.adapter;
}

const describe = (b: BackendInfo) => (b.kind === 'cpu' ? 'CPU twin' : `WebGPU on ${b.adapter}`);

/** Whether every per-run output of the two summaries is identical to the bit. */
function perRunIdentical(baked: SweepSummary, fresh: SweepSummary): boolean {
  return PER_RUN_OUTPUTS.every((k) => {
    const [a, b] = [perRun(baked, k), perRun(fresh, k)];
    return a !== undefined && b !== undefined && a.length === b.length && a.every((v, r) => sameBits(v, b[r]));
  });
}

/**
 * Which check applies. The file's word on its backend cannot weaken the check: re-run on the twin,
 * a file whose runs are the twin's bit for bit is held to the twin's results whole (J(t) hash and
 * every band), whatever adapter it names.
 */
function matchKind(baked: SweepSummary, fresh: SweepSummary): MatchKind {
  if (sameAdapterKind(baked.backend, fresh.backend)) return 'bit-for-bit';
  if (fresh.backend.kind === 'cpu') return perRunIdentical(baked, fresh) ? 'bit-for-bit' : 'float-ties';
  return 'statistical';
}

/**
 * What must be identical whatever the adapter: spec, seeds, hash, steps, counts, completeness, and
 * every per-run output and banded series the re-run has (RUN_OUTPUTS, SERIES_BANDS): a file that
 * lacks one would lose its plots silently, so a missing key is a difference, named.
 */
function identityDifferences(baked: SweepSummary, fresh: SweepSummary, out: string[]): void {
  if (baked.specHash !== fresh.specHash) out.push(`specHash: baked ${baked.specHash.slice(0, 12)}…, re-run ${fresh.specHash.slice(0, 12)}…`);
  const spec = new Tally(5);
  // A field added since the file was baked holds its default there (the spec hash leaves defaults out): filled in, not a difference.
  jsonDifferences(withDefaults(baked.spec), fresh.spec, 'spec', spec);
  const order = (s: SweepSummary) => Object.keys(s.spec.grid ?? {}).join(', ');
  if (!spec.count && order(baked) !== order(fresh)) spec.add(`spec.grid order (sets the cell order): baked ${order(baked)}, re-run ${order(fresh)}`);
  spec.into(out, (n) => `spec (with its seeds): ${differs(n, 'field')}`);
  if (canonicalJson(baked.recordSteps) !== canonicalJson(fresh.recordSteps))
    out.push(`recordSteps: baked ${show(baked.recordSteps)}, re-run ${show(fresh.recordSteps)}`);
  if (baked.finalJ.length !== fresh.finalJ.length) out.push(`run count: baked ${baked.finalJ.length} runs, re-run ${fresh.finalJ.length}`);
  for (const k of PER_RUN_OUTPUTS) {
    const [a, b] = [perRun(baked, k), perRun(fresh, k)];
    if (!a && b) out.push(`${k}: missing from the baked file, but the re-run has it (${RUN_OUTPUTS[k].doc})`);
    else if (a && a.length !== baked.finalJ.length) out.push(`${k}: baked ${a.length} values for ${baked.finalJ.length} runs`);
  }
  if (baked.cellStats.length !== fresh.cellStats.length) out.push(`cellStats: baked ${baked.cellStats.length} cells, re-run ${fresh.cellStats.length}`);
  for (const n of BANDED_OUTPUTS) {
    const [a, b] = [seriesBands(baked, n), seriesBands(fresh, n)];
    if (!a && b) out.push(`${bandKeyOf(n)}: missing from the baked file, but the spec implies ${bandName(n)} (the re-run has them)`);
    else if (a && !b) out.push(`${bandKeyOf(n)}: baked, but the re-run has no ${bandName(n)}`);
    else if (a && b && a.length !== b.length) out.push(`${bandName(n)}: baked ${a.length} values, re-run ${b.length}`);
  }
  if (baked.complete !== fresh.complete) out.push(`complete: baked ${baked.complete}, re-run ${fresh.complete}`);
  if (baked.runsDone !== fresh.runsDone) out.push(`runsDone: baked ${baked.runsDone}, re-run ${fresh.runsDone}`);
  if (baked.stopReason !== fresh.stopReason) out.push(`stopReason: baked ${baked.stopReason}, re-run ${fresh.stopReason}`);
}

/** Bit for bit: every per-run value, the J(t) hash, every cell statistic and band value. */
function exactDifferences(baked: SweepSummary, fresh: SweepSummary, cells: string[], out: string[]): void {
  const seeds = fresh.spec.seeds;
  const runs = Math.min(baked.finalJ.length, fresh.finalJ.length);
  for (const k of PER_RUN_OUTPUTS) {
    const [a, b] = [perRun(baked, k), perRun(fresh, k)];
    if (!a || !b) continue; // said by identityDifferences
    const tally = new Tally();
    for (let r = 0; r < Math.min(a.length, b.length); r++)
      if (!sameBits(a[r], b[r])) tally.add(`${runName(cells, seeds, r)} baked ${show(a[r])}, re-run ${show(b[r])}`);
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
      if (!sameValue(b[key] as number, f[key] as number)) stats.add(`${cellName(cells, f.cell)} ${key}: baked ${show(b[key])}, re-run ${show(f[key])}`);
    }
  }
  stats.into(out, (n) => `cellStats: ${differs(n, 'value')}`);
  bandDifferences(baked, fresh, cells, out, (_n, _f, _c, a, b) => sameBits(a, b), 'differ');
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
    // A transformer cell's statistics leave out the seeds whose warm start never reached J0: their J(0) is NaN (SPEC 1.10).
    const kept = (a: Float32Array | Uint8Array) => (s.unreached === undefined ? a : a.filter((_, i) => !Number.isNaN(baked.initialJ[b + i])));
    const finalJ = kept(baked.finalJ.subarray(b, b + seeds)) as Float32Array;
    const diverged = kept(baked.diverged.subarray(b, b + seeds)) as Uint8Array;
    const expected = {
      ...cellStatsCpu(s.cell, finalJ, diverged, collapseThreshold(baked.spec, grid[s.cell])),
      ...(s.unreached !== undefined && { unreached: seeds - finalJ.length }),
    };
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      const tolerance = key === 'meanFinalJ' && baked.backend.kind === 'webgpu' ? 1e-6 : 0;
      const [a, e] = [s[key] as number, expected[key] as number];
      if (!(sameValue(a, e) || Math.abs(a - e) <= tolerance)) {
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
    for (const n of BANDED_OUTPUTS) {
      const data = seriesBands(baked, n);
      const F = SERIES_BANDS[n].length;
      for (let r = 0; data && r < R; r++) {
        const o = (s.cell * R + r) * F;
        if (data[o] > data[o + 1] || data[o + 1] > data[o + 2])
          bands.add(
            `${bandName(n).replace(/ bands$/, '')} band of ${cellName(cells, s.cell)} step ${baked.recordSteps[r]}: q10 ≤ q50 ≤ q90 fails (${show(data[o])}, ${show(data[o + 1])}, ${show(data[o + 2])})`,
          );
      }
    }
  }
  const minJ = new Tally();
  for (let r = 0; r < Math.min(baked.finalJ.length, baked.minJ.length); r++) {
    // min J is over the recorded steps, the last of which is final J.
    if (!baked.diverged[r] && !(baked.minJ[r] <= baked.finalJ[r]))
      minJ.add(`${runName(cells, seeds, r)} min J ${show(baked.minJ[r])} > final J ${show(baked.finalJ[r])}`);
  }
  minJ.into(out, (n) => `minJ: ${n} baked run${n === 1 ? ' has' : 's have'} a minimum above its final J`);
  stats.into(out, (n) => `cellStats: ${n} value${n === 1 ? ' is' : 's are'} not those of the baked runs`);
  bands.into(out, (n) => `bands: ${n} value${n === 1 ? ' is' : 's are'} not those of the baked runs`);
}

export function compareWithBaked(baked: SweepSummary, fresh: SweepSummary): ReproduceReport {
  const differences: string[] = [];
  identityDifferences(baked, fresh, differences);
  const cells = cellNames(fresh);
  const kind = matchKind(baked, fresh);
  const runs = Math.min(baked.finalJ.length, fresh.finalJ.length);
  let runsDiffering = 0;
  for (let r = 0; r < runs; r++) {
    if (PER_RUN_OUTPUTS.some((k) => !sameBits(perRun(baked, k)?.[r] ?? NaN, perRun(fresh, k)?.[r] ?? NaN))) runsDiffering++;
  }
  let runsParted = runsDiffering;
  let partedAllowed = 0;
  if (kind === 'bit-for-bit') exactDifferences(baked, fresh, cells, differences);
  else {
    consistencyDifferences(baked, differences);
    if (kind === 'float-ties') {
      runsParted = floatTieDifferences(baked, fresh, cells, differences).parted;
      partedAllowed = floatTieAllowance(runs);
    } else {
      // J(θ0) is computed, not sampled: across adapters it differs only in the last bits.
      const initial = new Tally();
      for (let r = 0; r < runs; r++) {
        if (!(Math.abs(baked.initialJ[r] - fresh.initialJ[r]) <= INITIAL_J_TOLERANCE))
          initial.add(`${runName(cells, fresh.spec.seeds, r)} baked ${show(baked.initialJ[r])}, re-run ${show(fresh.initialJ[r])}`);
      }
      initial.into(differences, (n) => `initialJ: ${n} of ${runs} runs differ by more than ${INITIAL_J_TOLERANCE}`);
    }
  }
  const { outside, cellsOutside, worstZ, nCells } = samplingDifferences(baked, fresh, cells, kind === 'statistical');
  if (kind !== 'bit-for-bit') outside.into(differences, (n) => `${n} of ${nCells} cells outside sampling error`);

  const trajectoriesIdentical = baked.trajectoryHash === fresh.trajectoryHash;
  const relabelled = kind === 'bit-for-bit' && !sameAdapterKind(baked.backend, fresh.backend);
  const why =
    kind === 'bit-for-bit'
      ? relabelled
        ? `the file says ${describe(baked.backend)}, but its runs are the ${describe(fresh.backend)}'s bit for bit, so it is held to them whole`
        : `same kind of adapter: ${describe(fresh.backend)} both times`
      : `baked on ${describe(baked.backend)}, re-run on ${describe(fresh.backend)}`;
  const ok = differences.length === 0;
  const listed = differences.length ? `: ${differences.slice(0, 3).join(' | ')}${differences.length > 3 ? ` | and ${differences.length - 3} more` : ''}` : '';
  const gap = baked.gapBands ? 'J(t) and ‖g‖(t) bands' : 'J(t) bands (no ‖g‖(t) bands were baked)';
  // Only a failing check says that runs differ: a pass across adapters says how many stayed on their path.
  const onPath = `${runs - runsParted} of ${runs} runs on the re-run's path within f32 noise`;
  const headline =
    kind === 'bit-for-bit'
      ? ok
        ? `Bit for bit: all ${runs} runs and every J(t) identical (${why}); so are the cell statistics, the ${gap}, the spec and its seeds`
        : `Not bit for bit: ${runsDiffering} of ${runs} runs differ in some bit${trajectoriesIdentical ? '' : ', and the J(t) arrays differ'} (${why})`
      : kind === 'float-ties'
        ? `${ok ? 'Within float ties' : 'Does not match'}: ${onPath}, ${runsParted} took another path (at most ${partedAllowed} float ties allowed, ${FLOAT_TIE_RATE * 100} % of the runs); ${nCells - cellsOutside} of ${nCells} cells within sampling error (${why})`
        : `${ok ? 'Within sampling error' : cellsOutside ? 'Outside sampling error' : 'Does not match'}: ${nCells - cellsOutside} of ${nCells} cells agree (largest |z| = ${worstZ.toFixed(2)}, limit ${Z_LIMIT}); ${runs - runsDiffering} of ${runs} runs identical to the last bit, the rest within sampling error (${why})`;
  const notCompared = notComparedText(baked, fresh, kind);
  const summary = `${ok ? `${headline}.` : `${headline}${listed}`} ${notCompared}`.trim();
  return {
    kind,
    why,
    runs,
    runsDiffering,
    runsParted,
    partedAllowed,
    trajectoriesIdentical,
    cells: nCells,
    cellsOutside,
    worstZ,
    differences,
    ok,
    headline,
    summary,
    notCompared,
  };
}

/**
 * What a comparison of summaries cannot check run by run: the per-record series other than J(t)
 * (whose whole array is hashed), unless both sides kept them. Each is then checked through its
 * per-cell bands where it has them (SERIES_BANDS), else not at all; said in one sentence.
 */
function notComparedText(baked: SweepSummary, fresh: SweepSummary, kind: MatchKind): string {
  const across =
    kind === 'bit-for-bit'
      ? ''
      : `Across adapters the J(t) hash cannot be compared${kind === 'float-ties' ? `, nor the quantiles of ${ILL_CONDITIONED.map(bandName).join(', ')} (ill-conditioned where J nears 0 or 1: their finite counts are)` : ''}.`;
  // A policy's own series (held-out J) only where the sweep is of that policy.
  const missing = SERIES_OUTPUTS.filter((n) => n !== 'trajectory' && outputApplies(n, fresh.spec) && !(baked.runSeries?.[n] && fresh.runSeries?.[n]));
  if (missing.length === 0) return across;
  const side = !baked.runSeries ? 'the baked file' : 'this run';
  const values = fresh.finalJ.length * fresh.recordSteps.length;
  const why = !fresh.runSeries && values > RUN_SERIES_LIMIT ? `, nor this run: ${values} values a series, over the ${RUN_SERIES_LIMIT} the page keeps` : '';
  const banded = missing.filter((n) => n in SERIES_BANDS);
  const unbanded = missing.filter((n) => !(n in SERIES_BANDS));
  return (
    `${across ? `${across} ` : ''}Per-run series not kept by ${side}${why}: ${banded.length ? `${banded.join(', ')} compared through their per-cell bands` : ''}` +
    `${banded.length && unbanded.length ? '; ' : ''}${unbanded.length ? `${unbanded.join(', ')} not compared` : ''}.`
  );
}
