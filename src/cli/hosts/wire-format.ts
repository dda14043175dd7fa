/**
 * How a RangeResult, and each chunk of runs streamed while it runs, cross from the chrome host's
 * page to Node: typed arrays as little-endian base64 (exact bits, NaN payloads included),
 * everything else as JSON-safe values with NaN and ±Infinity spelt out. Runs in the page and in Node.
 */
import { RUN_OUTPUT_NAMES, RUN_OUTPUTS, type RunChunk } from '../../engine/index.ts';
import { fromBase64, toBase64 } from '../../results/index.ts';
import type { RangeResult } from '../run-range.ts';

export type WireResult = Omit<RangeResult, 'runs' | 'cellStats'> & {
  runs: Record<string, string | number | number[]>;
  cellStats: string; // JSON with non-finite numbers as strings
};

export function toWire(r: RangeResult): WireResult {
  const runs: WireResult['runs'] = { runCount: r.runs.runCount, recordSteps: r.runs.recordSteps };
  for (const name of RUN_OUTPUT_NAMES) runs[name] = toBase64(r.runs[name]);
  const cellStats = JSON.stringify(r.cellStats, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  return { ...r, runs, cellStats };
}

export function fromWire(w: WireResult): RangeResult {
  const runs = { runCount: w.runs.runCount as number, recordSteps: w.runs.recordSteps as number[] } as RangeResult['runs'];
  for (const name of RUN_OUTPUT_NAMES) (runs as Record<string, unknown>)[name] = new RUN_OUTPUTS[name].array(fromBase64(w.runs[name] as string).buffer);
  const cellStats = JSON.parse(w.cellStats, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
  return { ...w, runs, cellStats };
}

/** A chunk of runs on the wire: its range and every output as base64. */
export type WireChunk = { begin: number; end: number; outputs: Record<string, string> };

export function chunkToWire(c: RunChunk): WireChunk {
  return { begin: c.begin, end: c.end, outputs: Object.fromEntries(RUN_OUTPUT_NAMES.map((name) => [name, toBase64(c[name])])) };
}

export function chunkFromWire(w: WireChunk): RunChunk {
  const chunk = { begin: w.begin, end: w.end } as RunChunk;
  for (const name of RUN_OUTPUT_NAMES) (chunk as Record<string, unknown>)[name] = new RUN_OUTPUTS[name].array(fromBase64(w.outputs[name]).buffer);
  return chunk;
}
