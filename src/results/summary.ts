/**
 * The results table the notebook keeps per sweep: what the plots, the cache, the baked files and
 * Reproduce need from an engine `SweepResult`, and no more. Per-run finals are kept (bootstrap
 * intervals, run-by-run comparison); trajectories of J and of the gradient-gap norm ‖g‖ are
 * reduced to per-cell quantile bands, plus a SHA-256 of the full J array, so a bit-for-bit check
 * does not have to store them. A sweep of at most RUN_SERIES_LIMIT values a series also keeps
 * every run's recorded series (`runSeries`) for the per-run export; baked files never hold them.
 *
 * @example
 *   const summary = await summarizeSweep(await runSweep(spec));
 *   bandAt(summary, cell, record);    // { q10, q50, q90, mean } of J
 *   gapBandAt(summary, cell, record); // { q10, q50, q90, finite } of ‖g‖, or undefined
 */
import {
  effectiveStepSize,
  expandGrid,
  isPpoLoop,
  isTransformer,
  perLengthAggregation,
  outputApplies,
  RUN_OUTPUT_NAMES,
  RUN_OUTPUTS,
  SERIES_BANDS,
  type BackendInfo,
  type BandedOutput,
  type Cell,
  type CellStats,
  type PerRunOutputName,
  type RunOutputName,
  type SweepResult,
  type SweepSpec,
} from '../engine/index.ts';
import { quantileBands } from './bands.ts';

/** Quantities of J stored per cell and recorded step, in this order. */
export const BAND_FIELDS = SERIES_BANDS.trajectory;
/**
 * Quantities of ‖g‖ stored per cell and recorded step, in this order. ‖g‖ is NaN where J rounds
 * to 0 or 1 in f32 (collapsed or converged runs), so its quantiles cover only the runs where it
 * is finite, and `finite` says how many those were. No mean: ‖g‖ is heavy-tailed.
 */
export const GAP_BAND_FIELDS = SERIES_BANDS.gapNorm;
/** The length series banded per cell and recorded step (SPEC 1.7): sampled mean length of all, passing and failing responses, and E_π|o|. */
export const LENGTH_SERIES = ['meanLength', 'meanLengthPassing', 'meanLengthFailing', 'expectedLength'] as const;
export type LengthSeries = (typeof LENGTH_SERIES)[number];
/** Quantities of each length series per cell and recorded step (fields as the gap's: a passing or failing mean is NaN where none passed or failed). */
export const LENGTH_BAND_FIELDS = SERIES_BANDS.meanLength;
/** Shares of prompts solved (J_q > ½) and lost (J_q < J_q(0)/2), banded per cell and recorded step (SPEC 1.8). */
export const PROMPT_SERIES = ['solvedShare', 'lostShare'] as const;
export type PromptSeries = (typeof PROMPT_SERIES)[number];
/** Quantities of each share per cell and recorded step: quantiles over seeds and the mean, the cell's share of its seeds' prompts. */
export const PROMPT_BAND_FIELDS = SERIES_BANDS.solvedShare;
/** The PPO loop's series banded per cell and recorded step (SPEC 1.9): the clipped share and KL(π_θ ‖ π_θ0). */
export const PPO_SERIES = ['clippedShare', 'klReference'] as const;
export type PpoSeries = (typeof PPO_SERIES)[number];
/** The transformer policy's series banded per cell and recorded step (SPEC 1.10): exact held-out J. */
export const TRANSFORMER_SERIES = ['heldOutJ'] as const;
export type TransformerSeries = (typeof TRANSFORMER_SERIES)[number];

/**
 * The keyed band groups of a summary, one array per series, and the series each holds, in the baked
 * file's order: lengths (SPEC 1.7), shares of prompts (SPEC 1.8) and the PPO loop's series (SPEC 1.9).
 */
export const BAND_GROUPS = { lengthBands: LENGTH_SERIES, promptBands: PROMPT_SERIES, ppoBands: PPO_SERIES, transformerBands: TRANSFORMER_SERIES } as const;
export type BandGroup = keyof typeof BAND_GROUPS;

/**
 * A summary's keyed band groups as it holds them, whether summarized or read back from a baked
 * file: lengths listed always, the prompt and PPO groups only where the sweep has them (absent, not
 * undefined, so other sweeps' summaries compare and bake as they did before those groups).
 */
export function keyedBandFields(groups: Partial<Pick<SweepSummary, BandGroup>>): Partial<Pick<SweepSummary, BandGroup>> {
  const { lengthBands, promptBands, ppoBands, transformerBands } = groups;
  return { lengthBands, ...(promptBands ? { promptBands } : {}), ...(ppoBands ? { ppoBands } : {}), ...(transformerBands ? { transformerBands } : {}) };
}

/** A per-record output of RUN_OUTPUTS (J(t), ‖θ‖(t), ‖∇J‖(t), ‖g‖(t), …): one value per run and recorded step. */
export type SeriesName = Exclude<RunOutputName, PerRunOutputName>;
/** Every per-record output, in RUN_OUTPUTS' order: a new one is kept and exported without further edits. */
export const SERIES_OUTPUTS = RUN_OUTPUT_NAMES.filter((n): n is SeriesName => RUN_OUTPUTS[n].per === 'record');
/**
 * Values per series (runs × recorded steps) up to which a summary keeps every run's series for
 * export: 1,000,000 f32 is 4 MB a series, about 20 MB a sweep in memory and in the IndexedDB
 * cache, and a per-run CSV of at most a million rows. Every built-in notebook's sweep (≤ 41,000
 * values) fits 20 times over. A larger sweep is run without keeping them (`keepSeriesFor`): the
 * engine reduces them to bands as cells complete, so the page holds a few bytes a run (finals and
 * flags) and the bands, whatever the sweep's size.
 */
export const RUN_SERIES_LIMIT = 1_000_000;

export interface SweepSummary {
  specHash: string; // SHA-256 of the canonical spec: cache key and provenance id
  spec: SweepSpec;
  recordSteps: number[];
  cellStats: CellStats[]; // one per finished cell
  bands: Float32Array; // [cell][record][BAND_FIELDS]: J(t) quantiles over finite runs
  gapBands?: Float32Array; // [cell][record][GAP_BAND_FIELDS]: ‖g‖(t) quantiles; absent in results summarized before ‖g‖ was recorded
  updateBands?: Float32Array; // [cell][record][GAP_BAND_FIELDS]: ‖Δθ‖(t) quantiles (SPEC 1.6); absent in results summarized before ‖Δθ‖ was recorded
  promptBands?: Record<PromptSeries, Float32Array>; // per PROMPT_SERIES, [cell][record][PROMPT_BAND_FIELDS] (SPEC 1.8); only for sweeps with a token cell of N > 1 prompts
  ppoBands?: Record<PpoSeries, Float32Array>; // per PPO_SERIES, [cell][record][fields] (SPEC 1.9); only for sweeps with a cell in the PPO loop
  transformerBands?: Record<TransformerSeries, Float32Array>; // per TRANSFORMER_SERIES, [cell][record][fields] (SPEC 1.10); only for transformer sweeps
  lengthBands?: Record<LengthSeries, Float32Array>; // per LENGTH_SERIES, [cell][record][LENGTH_BAND_FIELDS] (SPEC 1.7); absent in results summarized before lengths were recorded
  finalJ: Float32Array; // per run (run = cell·seeds + seed); NaN when diverged
  minJ: Float32Array;
  initialJ: Float32Array;
  diverged: Uint8Array;
  oneStepThreshold?: Float32Array; // per run: the predicted one-step threshold after the warm start (RUN_OUTPUTS; SPEC 1.10); only for transformer sweeps
  runSeries?: Partial<Record<SeriesName, Float32Array>>; // [run · records + record] per SERIES_OUTPUTS name; only when runs × records ≤ RUN_SERIES_LIMIT; never baked
  trajectoryHash: string; // SHA-256 of the full trajectory array's bytes
  backend: BackendInfo;
  wallMs: number;
  complete: boolean;
  runsDone: number;
  stopReason: SweepResult['stopReason'];
  message: string;
}

/** Whether the page keeps every run's series for a sweep of `runs` runs and `records` recorded steps (RUN_SERIES_LIMIT). */
export function keepSeriesFor(runs: number, records: number): boolean {
  return runs * records <= RUN_SERIES_LIMIT;
}

/** SHA-256 (hex) of a typed array's bytes. */
export async function sha256Bytes(view: ArrayBufferView): Promise<string> {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The array itself when it spans its whole buffer, else a copy: the cache would otherwise store the whole buffer behind a view. */
function ownBuffer(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

/** Reduces an engine result to the notebook's results table. */
export async function summarizeSweep(result: SweepResult): Promise<SweepSummary> {
  const { spec, runs } = result;
  // Bands and the J(t) hash as the engine reduced them while cells completed; a result from elsewhere (the chrome host's wire) is reduced here.
  // Only finished cells have statistics; a cancelled sweep leaves the others NaN.
  const bands = result.bands?.trajectory ?? quantileBands(result, runs.trajectory, BAND_FIELDS);
  const gapBands = result.bands?.gapNorm ?? quantileBands(result, runs.gapNorm, GAP_BAND_FIELDS);
  const updateBands = result.bands?.updateNorm ?? quantileBands(result, runs.updateNorm, GAP_BAND_FIELDS);
  const groupBands = <S extends BandedOutput>(series: readonly S[]) =>
    Object.fromEntries(series.map((n) => [n, result.bands?.[n] ?? quantileBands(result, runs[n], SERIES_BANDS[n])])) as Record<S, Float32Array>;
  const lengthBands = groupBands(BAND_GROUPS.lengthBands);
  // Many prompts (SPEC 1.8): kept only where some cell has them, so other sweeps' summaries are as before.
  const manyPrompts = expandGrid(spec).some((c) => c.params.family === 'token' && c.params.N > 1);
  const promptBands = manyPrompts ? groupBands(BAND_GROUPS.promptBands) : undefined;
  // The PPO loop (SPEC 1.9): likewise only where some cell runs it.
  const ppoBands = expandGrid(spec).some((c) => c.params.mode === 'sampled' && isPpoLoop(c.params)) ? groupBands(BAND_GROUPS.ppoBands) : undefined;
  // The transformer policy (SPEC 1.10): held-out J, only in its sweeps.
  const transformerBands = isTransformer(spec.base) ? groupBands(BAND_GROUPS.transformerBands) : undefined;
  const trajectoryHash = result.trajectoryHash ?? (await sha256Bytes(runs.trajectory));
  const keepSeries = result.seriesKept !== false && keepSeriesFor(runs.finalJ.length, runs.recordSteps.length);
  return {
    specHash: result.specHash,
    spec,
    recordSteps: runs.recordSteps,
    cellStats: result.cellStats,
    bands,
    gapBands,
    updateBands,
    ...keyedBandFields({ lengthBands, promptBands, ppoBands, transformerBands }),
    finalJ: runs.finalJ,
    minJ: runs.minJ,
    initialJ: runs.initialJ,
    diverged: runs.diverged,
    // The transformer's predicted threshold (theory/transformer-threshold.ts reads it), only in its sweeps: other summaries are as before.
    ...(isTransformer(spec.base) ? { oneStepThreshold: runs.oneStepThreshold } : {}),
    // A policy's own series (held-out J) only in its sweeps' summaries, so a log-linear sweep's exports are as before.
    ...(keepSeries
      ? { runSeries: Object.fromEntries(SERIES_OUTPUTS.filter((n) => outputApplies(n, spec)).map((n) => [n, ownBuffer(runs[n] as Float32Array)])) }
      : {}),
    trajectoryHash,
    backend: result.backend,
    wallMs: result.wallMs,
    complete: result.complete,
    runsDone: result.runsDone,
    stopReason: result.stopReason,
    message: result.message,
  };
}

/** Where a summary keeps each banded series' bands: J(t), ‖g‖(t) and ‖Δθ‖(t) in their own fields, the others in their group. */
const BAND_HOME: Record<BandedOutput, keyof SweepSummary> = {
  trajectory: 'bands',
  gapNorm: 'gapBands',
  updateNorm: 'updateBands',
  ...(Object.fromEntries(Object.entries(BAND_GROUPS).flatMap(([group, series]) => series.map((n) => [n, group]))) as Record<
    LengthSeries | PromptSeries | PpoSeries | TransformerSeries,
    BandGroup
  >),
};

/** The key a banded series has in a summary and a baked file: 'gapBands', or 'lengthBands.meanLength' within a group. */
export function bandKeyOf(name: BandedOutput): string {
  const home = BAND_HOME[name];
  return home in BAND_GROUPS ? `${home}.${name}` : home;
}

/** A banded series' bands in a summary ([cell][record][SERIES_BANDS[name]]); undefined when the summary has none. */
export function seriesBands(
  summary: Partial<Pick<SweepSummary, 'bands' | 'gapBands' | 'updateBands' | BandGroup>>,
  name: BandedOutput,
): Float32Array | undefined {
  const home = summary[BAND_HOME[name] as keyof typeof summary];
  return home instanceof Float32Array ? home : (home as Record<string, Float32Array> | undefined)?.[name];
}

/** A banded series' band of one cell at one recorded step, by field (SERIES_BANDS[name]); undefined when the summary has none. */
export function seriesBandAt<N extends BandedOutput>(
  summary: Pick<SweepSummary, 'recordSteps'> & Partial<Pick<SweepSummary, 'bands' | 'gapBands' | 'updateBands' | BandGroup>>,
  name: N,
  cell: number,
  record: number,
): Record<(typeof SERIES_BANDS)[N][number], number> | undefined {
  const b = seriesBands(summary, name);
  if (!b) return undefined;
  const fields = SERIES_BANDS[name];
  const at = (cell * summary.recordSteps.length + record) * fields.length;
  return Object.fromEntries(fields.map((f, i) => [f, b[at + i]])) as Record<(typeof SERIES_BANDS)[N][number], number>;
}

/** J(t) band of one cell at one recorded step. */
export const bandAt = (summary: SweepSummary, cell: number, record: number) => seriesBandAt(summary, 'trajectory', cell, record)!;
/** ‖g‖(t) band of one cell at one recorded step; undefined when the summary has no gap bands. */
export const gapBandAt = (summary: SweepSummary, cell: number, record: number) => seriesBandAt(summary, 'gapNorm', cell, record);
/** ‖Δθ‖(t) band of one cell at one recorded step (fields as the gap's); undefined when the summary has none. */
export const updateBandAt = (summary: SweepSummary, cell: number, record: number) => seriesBandAt(summary, 'updateNorm', cell, record);
/** A length series' band of one cell at one recorded step; undefined when the summary has no length bands. */
export const lengthBandAt = (summary: Pick<SweepSummary, 'recordSteps' | 'lengthBands'>, series: LengthSeries, cell: number, record: number) =>
  seriesBandAt(summary, series, cell, record);
/** A share's band (q10, q50, q90, mean over seeds) of one cell at one recorded step; undefined without prompt bands. */
export const promptBandAt = (summary: SweepSummary, series: PromptSeries, cell: number, record: number) => seriesBandAt(summary, series, cell, record);

/**
 * Final mean length of a cell: the median over its seeds of each run's mean sampled response
 * length (or of `series`) at the last recorded step. NaN without length bands, or where no seed
 * had a value (exact mode, or no passing/failing response).
 */
export function finalMeanLength(summary: SweepSummary, cell: number, series: LengthSeries = 'meanLength'): number {
  return lengthBandAt(summary, series, cell, summary.recordSteps.length - 1)?.q50 ?? NaN;
}

/**
 * E_θ0|o|, the exact expected response length at θ0 of a cell: the median over its seeds' instances
 * of the value each run recorded at step 0. Undefined without length bands or a record at step 0.
 */
export function expectedLengthAtStart(summary: Pick<SweepSummary, 'recordSteps' | 'lengthBands'>, cell: number): number | undefined {
  const v = summary.recordSteps[0] === 0 ? lengthBandAt(summary, 'expectedLength', cell, 0)?.q50 : undefined;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/**
 * Effective step size of a cell (at `stepSize`, default the cell's η): the one rule every axis,
 * threshold and export uses. With EOS, per-length aggregations scale by E_θ0|o|
 * (expectedLengthAtStart); otherwise, and without length bands, by L (spec effectiveStepSize).
 */
export function cellEffectiveStepSize(summary: Pick<SweepSummary, 'recordSteps' | 'lengthBands'>, cell: Cell, stepSize = cell.params.stepSize): number {
  const p = { ...cell.params, stepSize };
  return p.eos && perLengthAggregation(p.aggregation) ? effectiveStepSize(p, expectedLengthAtStart(summary, cell.index)) : effectiveStepSize(p);
}

/** Share of a cell's prompts lost at the last recorded step, averaged over its seeds (SPEC 1.8); NaN without prompt bands. */
export function finalLostShare(summary: SweepSummary, cell: number): number {
  return promptBandAt(summary, 'lostShare', cell, summary.recordSteps.length - 1)?.mean ?? NaN;
}

/** The grid cells of a summary (derived from its spec, never stored). */
export function summaryCells(summary: Pick<SweepSummary, 'spec'>): Cell[] {
  return expandGrid(summary.spec);
}

/** Finite final J of one cell's runs (for bootstrap intervals and distributions). */
export function cellFinals(summary: SweepSummary, cell: number): { finalJ: Float32Array; diverged: Uint8Array } {
  const b = cell * summary.spec.seeds;
  return { finalJ: summary.finalJ.subarray(b, b + summary.spec.seeds), diverged: summary.diverged.subarray(b, b + summary.spec.seeds) };
}
