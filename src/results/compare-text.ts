/**
 * How Reproduce's comparison (compare.ts) names what differs: tallies of mismatches, values as
 * JSON shows them, JSON paths that differ, and grid cells by their values.
 */
import { BANDED_OUTPUTS, canonicalJson, expandGrid, SERIES_BANDS, type BandedOutput, type Cell } from '../engine/index.ts';
import { seriesBands, type SweepSummary } from './summary.ts';

/** A list of mismatches of one kind: counted in full, the first few spelled out. */
export class Tally {
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

export const differs = (n: number, what: string) => `${n} ${what}${n === 1 ? ' differs' : 's differ'}`;
export const show = (v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v));

/** Identical bits (NaN equal to NaN). */
export function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Equal as JSON can carry them (cell statistics go through JSON, where −0 is 0 and NaN is null). */
export const sameValue = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Paths at which two JSON values differ ('spec.seeds: baked 12, re-run 24'). */
export function jsonDifferences(a: unknown, b: unknown, path: string, out: Tally): void {
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
export function cellsOf(s: SweepSummary): Cell[] {
  try {
    return expandGrid(s.spec);
  } catch {
    return [];
  }
}

/** 'cell 3 (stepSize=60, L=6)': the cell's grid values in the grid's key order. */
export function cellNames(s: SweepSummary): string[] {
  const keys = Object.keys(s.spec.grid ?? {});
  return cellsOf(s).map((cell, c) => {
    const values = cell.values as Record<string, unknown>;
    return `cell ${c} (${keys.map((k) => `${k}=${values[k]}`).join(', ')})`;
  });
}

export const cellName = (names: string[], c: number) => names[c] ?? `cell ${c}`;

/** 'run 5 (cell 0 (stepSize=1), seed 5)'. */
export const runName = (names: string[], seeds: number, r: number) => `run ${r} (${cellName(names, Math.floor(r / seeds))}, seed ${r % seeds})`;

export const BAND_LABEL: Partial<Record<BandedOutput, string>> = { trajectory: 'J(t)', gapNorm: '‖g‖(t)', updateNorm: '‖Δθ‖(t)' };
/** 'J(t) bands', '‖g‖(t) bands', 'meanLength bands'. */
export const bandName = (n: BandedOutput) => `${BAND_LABEL[n] ?? n} bands`;

/** A per-run output of a summary by its RUN_OUTPUTS name; undefined where the summary lacks it (a file from before it existed). */
export const perRun = (s: SweepSummary, k: string) => (s as unknown as Record<string, Float32Array | Uint8Array | undefined>)[k];

/** Band values of both sides compared one by one where `compare` says; each mismatch named by cell, step and field. */
export function bandDifferences(
  baked: SweepSummary,
  fresh: SweepSummary,
  cells: string[],
  out: string[],
  compare: (n: BandedOutput, field: string, cell: number, a: number, b: number) => boolean,
  what: string,
): void {
  const R = fresh.recordSteps.length;
  for (const n of BANDED_OUTPUTS) {
    const [a, b] = [seriesBands(baked, n), seriesBands(fresh, n)];
    if (!a || !b || a.length !== b.length || baked.recordSteps.length !== R) continue; // said by identityDifferences
    const fields = SERIES_BANDS[n];
    const tally = new Tally();
    for (let i = 0; i < a.length; i++) {
      const field = fields[i % fields.length];
      const cell = Math.floor(i / fields.length / R);
      if (compare(n, field, cell, a[i], b[i])) continue;
      const record = Math.floor(i / fields.length) % R;
      tally.add(`${cellName(cells, cell)} step ${fresh.recordSteps[record]} ${field}: baked ${show(a[i])}, re-run ${show(b[i])}`);
    }
    tally.into(out, (c) => `${bandName(n)}: ${c} of ${a.length} values ${what}`);
  }
}
