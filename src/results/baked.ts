/**
 * Baked results: the published run of each sweep of a notebook, stored beside it as
 * `notebooks/<name>.results.json`, with the provenance a reader needs to reproduce it (seeds,
 * spec hash, package versions, WGSL hash, adapter). Per-run arrays are little-endian base64 so
 * the file stays exact and reasonably small; NaN in statistics is written as null.
 * `gapBands` (‖g‖(t) quantiles) is optional within version 1: files baked before it existed
 * still read, and the gap plot says that they lack it.
 *
 * @example
 *   const text = encodeBaked({ notebook: 'threshold.html', provenance, sweeps: { sweep: summary } });
 *   const baked = decodeBaked(text); // throws BakedFormatError with the reason
 */
import type { BackendInfo, CellStats } from '../engine/results.ts';
import type { SweepSpec } from '../engine/spec.ts';
import type { SweepSummary } from './summary.ts';
import { fromBase64, toBase64 } from './base64.ts';

export const BAKED_FORMAT = 'gradgap-baked';
export const BAKED_VERSION = 1;

/** Where a baked result came from. */
export interface Provenance {
  packages: Record<string, string>; // gradgap and the libraries that shape the numbers or the page
  wgslHash: string; // SHA-256 over shaders/*.wgsl (name and text, sorted by name)
  runtime: string; // 'node v20.20.2', 'Chromium 156', …
  command: string; // how it was made, e.g. 'npm run bake'
}

export interface BakedNotebook {
  notebook: string; // file name of the notebook these results belong to
  notebookHash?: string; // SHA-256 of the notebook text when baked
  provenance: Provenance;
  sweeps: Record<string, SweepSummary>; // by sweep cell id
}

export class BakedFormatError extends Error {
  override name = 'BakedFormatError';
}

// Typed arrays are written little-endian; every platform we run on is little-endian, and a
// big-endian reader would fail the stored hashes rather than read garbage silently.
const f32 = (text: string) => {
  const bytes = fromBase64(text);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

const nanToNull = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
const nullToNaN = (stats: Record<string, number | null>[]): CellStats[] =>
  stats.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? NaN : v]))) as unknown as CellStats[];

function encodeSummary(s: SweepSummary): unknown {
  return {
    specHash: s.specHash,
    spec: s.spec,
    seeds: { perCell: s.spec.seeds, masterSeed: s.spec.seed },
    backend: s.backend,
    wallMs: Math.round(s.wallMs),
    complete: s.complete,
    runsDone: s.runsDone,
    stopReason: s.stopReason,
    message: s.message,
    recordSteps: s.recordSteps,
    cellStats: s.cellStats,
    trajectoryHash: s.trajectoryHash,
    bands: toBase64(s.bands),
    gapBands: s.gapBands && toBase64(s.gapBands), // undefined: the key is left out
    finalJ: toBase64(s.finalJ),
    minJ: toBase64(s.minJ),
    initialJ: toBase64(s.initialJ),
    diverged: toBase64(s.diverged),
  };
}

/** The text of a baked-results file (stable key order, one sweep per block). */
export function encodeBaked(baked: BakedNotebook): string {
  const body = {
    format: BAKED_FORMAT,
    version: BAKED_VERSION,
    notebook: baked.notebook,
    notebookHash: baked.notebookHash,
    provenance: baked.provenance,
    sweeps: Object.fromEntries(Object.entries(baked.sweeps).map(([id, s]) => [id, encodeSummary(s)])),
  };
  return `${JSON.stringify(body, nanToNull, 1)}\n`;
}

/** Reads a baked-results file; throws BakedFormatError naming what is wrong. */
export function decodeBaked(text: string): BakedNotebook {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BakedFormatError(`baked results are not valid JSON: ${(error as Error).message}`);
  }
  if (body?.format !== BAKED_FORMAT) throw new BakedFormatError(`not a gradgap baked-results file (format = ${JSON.stringify(body?.format)})`);
  if (body.version !== BAKED_VERSION) throw new BakedFormatError(`baked-results version ${body.version} is not the one this gradgap reads (${BAKED_VERSION}); re-bake with npm run bake`);
  const sweeps: Record<string, SweepSummary> = {};
  for (const [id, raw] of Object.entries(body.sweeps as Record<string, Record<string, unknown>>)) {
    const spec = raw.spec as SweepSpec;
    const finalJ = f32(raw.finalJ as string);
    const runs = finalJ.length;
    const diverged = fromBase64(raw.diverged as string);
    if (diverged.length !== runs) throw new BakedFormatError(`sweep "${id}": ${diverged.length} divergence flags for ${runs} runs`);
    const bands = f32(raw.bands as string);
    const gapBands = typeof raw.gapBands === 'string' ? f32(raw.gapBands) : undefined;
    if (gapBands && gapBands.length !== bands.length) throw new BakedFormatError(`sweep "${id}": ${gapBands.length} gradient-gap band values for ${bands.length} J band values`);
    sweeps[id] = {
      specHash: raw.specHash as string,
      spec,
      recordSteps: raw.recordSteps as number[],
      cellStats: nullToNaN(raw.cellStats as Record<string, number | null>[]),
      bands,
      gapBands,
      finalJ,
      minJ: f32(raw.minJ as string),
      initialJ: f32(raw.initialJ as string),
      diverged,
      trajectoryHash: raw.trajectoryHash as string,
      backend: raw.backend as BackendInfo,
      wallMs: raw.wallMs as number,
      complete: raw.complete as boolean,
      runsDone: raw.runsDone as number,
      stopReason: raw.stopReason as SweepSummary['stopReason'],
      message: raw.message as string,
    };
  }
  return {
    notebook: body.notebook as string,
    notebookHash: body.notebookHash as string | undefined,
    provenance: body.provenance as Provenance,
    sweeps,
  };
}
