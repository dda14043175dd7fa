/**
 * How a RangeResult crosses from the chrome host's page to Node: typed arrays as little-endian
 * base64 (exact bits, NaN payloads included), everything else as JSON-safe values with NaN and
 * ±Infinity spelt out. Runs in the page and in Node.
 */
import { fromBase64, toBase64 } from '../../results/base64.ts';
import type { RangeResult } from '../run-range.ts';

export type WireResult = Omit<RangeResult, 'runs' | 'cellStats'> & {
  runs: Record<string, string | number | number[]>;
  cellStats: string; // JSON with non-finite numbers as strings
};

const ARRAYS = { initialJ: Float32Array, finalJ: Float32Array, minJ: Float32Array, diverged: Uint8Array, trajectory: Float32Array, thetaNorm: Float32Array, gradientNorm: Float32Array, gapNorm: Float32Array } as const;

export function toWire(r: RangeResult): WireResult {
  const runs: WireResult['runs'] = { runCount: r.runs.runCount, recordSteps: r.runs.recordSteps };
  for (const key of Object.keys(ARRAYS) as (keyof typeof ARRAYS)[]) runs[key] = toBase64(r.runs[key]);
  const cellStats = JSON.stringify(r.cellStats, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  return { ...r, runs, cellStats };
}

export function fromWire(w: WireResult): RangeResult {
  const runs = { runCount: w.runs.runCount as number, recordSteps: w.runs.recordSteps as number[] } as RangeResult['runs'];
  for (const [key, View] of Object.entries(ARRAYS)) (runs as unknown as Record<string, unknown>)[key] = new View(fromBase64(w.runs[key] as string).buffer);
  const cellStats = JSON.parse(w.cellStats, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
  return { ...w, runs, cellStats };
}
