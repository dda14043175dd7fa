/** ResultsBuilder: statistics, bands and the J(t) hash reduced as chunks arrive, in any order, with or without every run's series. */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { simulateChunkCpu } from './cpu-chunk.ts';
import { ResultsBuilder } from './results-builder.ts';
import type { RunChunk } from './run-outputs.ts';
import { Sha256 } from './sha256.ts';
import { BANDED_OUTPUTS, cellBandInto, SERIES_BANDS } from './stats.ts';
import { parseSpec, SWEEP_MEMORY, validateSpec } from '../spec/index.ts';
import { outputApplies, PER_RUN_OUTPUTS, RUN_OUTPUT_NAMES, RUN_OUTPUTS } from './run-outputs.ts';

const ending = { specHash: 'h', backend: { kind: 'cpu', threads: 1, adapter: 'none', fallbackAdapter: false, reason: '' }, wallMs: 0, message: '' } as const;

async function webSha(bytes: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}

describe('Sha256', () => {
  it('equals Web Crypto for every length around the block boundaries, fed in uneven pieces', async () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255);
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300]) {
      const h = new Sha256();
      for (let at = 0; at < n; at += 7) h.update(data.subarray(at, Math.min(n, at + 7)));
      expect(h.hex(), `${n} bytes`).toBe(await webSha(data.subarray(0, n)));
    }
  });
});

describe('ResultsBuilder', () => {
  // 3 cells × 10 seeds, 20 iterations recorded every 5: cells straddle the 7-run chunks.
  const spec = parseSpec({ base: { iterations: 20, recordEvery: 5 }, grid: { stepSize: [1, 30, 300] }, seeds: 10 });
  const chunks: RunChunk[] = [];
  for (let b = 0; b < 30; b += 7) chunks.push(simulateChunkCpu(spec, b, Math.min(30, b + 7)));
  const reference = new ResultsBuilder(spec, [0, 30]);
  for (const c of chunks) reference.accept(c);
  const whole = reference.finish({ ...ending, stopReason: 'done' });

  it('holding every series: bands as computed from the whole table, the hash of the whole J array', async () => {
    const R = whole.runs.recordSteps.length;
    for (const o of BANDED_OUTPUTS) {
      const expected = new Float32Array(3 * R * SERIES_BANDS[o].length).fill(NaN);
      // Held-out J is the transformer's alone (SPEC 1.10): a log-linear sweep's bands of it stay NaN.
      if (o !== 'heldOutJ')
        for (const s of whole.cellStats) cellBandInto(expected, SERIES_BANDS[o], s.cell, 10, R, whole.runs[o], whole.runs.diverged, s.cell * 10);
      expect(Array.from(whole.bands![o])).toEqual(Array.from(expected));
    }
    const t = whole.runs.trajectory;
    expect(whole.trajectoryHash).toBe(await webSha(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)));
  });

  it('without the series, out of order: the same statistics, bands and hash; chunks streamed in run order', () => {
    const streamed: number[] = [];
    const lean = new ResultsBuilder(spec, [0, 30], { keepSeries: false, onRuns: (c) => streamed.push(c.begin) });
    for (const i of [2, 0, 4, 3, 1]) lean.accept(chunks[i]);
    const r = lean.finish({ ...ending, stopReason: 'done' });
    expect(streamed).toEqual([0, 7, 14, 21, 28]);
    expect(r.seriesKept).toBe(false);
    expect(r.runs.trajectory.length).toBe(0);
    expect(Array.from(r.runs.finalJ)).toEqual(Array.from(whole.runs.finalJ));
    expect(r.cellStats).toEqual(whole.cellStats);
    for (const o of BANDED_OUTPUTS) expect(Array.from(r.bands![o])).toEqual(Array.from(whole.bands![o]));
    expect(r.trajectoryHash).toBe(whole.trajectoryHash);
  });

  it('a cancelled sweep: the hash counts missing runs at their pending value, as the full table holds them', () => {
    const full = new ResultsBuilder(spec, [0, 30]);
    const lean = new ResultsBuilder(spec, [0, 30], { keepSeries: false });
    for (const i of [0, 2]) {
      full.accept(chunks[i]);
      lean.accept(chunks[i]);
    }
    const a = full.finish({ ...ending, stopReason: 'cancelled' });
    const b = lean.finish({ ...ending, stopReason: 'cancelled' });
    expect(b.trajectoryHash).toBe(a.trajectoryHash);
    expect(b.cellStats).toEqual(a.cellStats);
    for (const o of BANDED_OUTPUTS) expect(Array.from(b.bands![o])).toEqual(Array.from(a.bands![o]));
  });
});

describe("the validator's memory bound (SWEEP_MEMORY)", () => {
  it('covers what the builder holds per run and per split cell', () => {
    const perRun = PER_RUN_OUTPUTS.reduce((sum, n) => sum + RUN_OUTPUTS[n].array.BYTES_PER_ELEMENT, 0);
    expect(perRun).toBeLessThanOrEqual(SWEEP_MEMORY.bytesPerRun);
    const banded = (policy: 'log-linear' | 'transformer') => BANDED_OUTPUTS.filter((o) => outputApplies(o, { base: { policy } })).length * 4;
    expect(banded('log-linear')).toBe(SWEEP_MEMORY.bytesPerSplitRecord);
    // A transformer sweep: its warm start per run, and held-out J banded.
    const perRunTransformer = RUN_OUTPUT_NAMES.filter((n) => RUN_OUTPUTS[n].per === 'run').reduce((sum, n) => sum + RUN_OUTPUTS[n].array.BYTES_PER_ELEMENT, 0);
    expect(perRunTransformer).toBeLessThanOrEqual(SWEEP_MEMORY.transformer.bytesPerRun);
    expect(banded('transformer')).toBe(SWEEP_MEMORY.transformer.bytesPerSplitRecord);
  });

  it('refuses a sweep whose split cells would not fit, with the numbers', () => {
    const issues = validateSpec({ base: { iterations: 2000, recordEvery: 1 }, seeds: 65_536 });
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'seeds: 65536 runs × 16 bytes (per-run finals) + 4 cells in flight × 65536 seeds × 2001 recorded steps × 44 bytes (banded series) = 22012 MiB, over the 1024 MiB a sweep may hold (fewer seeds or recorded steps, or shard it)',
    ]);
  });
});
