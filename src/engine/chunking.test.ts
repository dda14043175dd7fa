/** Chunk planning against device limits (SPEC 2.2): whole cells per chunk, nothing beyond a limit. */
import { describe, expect, it } from 'vitest';
import { planChunks, workgroupBytes } from './chunk-plan.ts';
import { expandGrid, withDefaults, type Cell, type SweepSpec } from '../spec/spec.ts';

/** WebGPU's default limits, with some overridden. */
function engineWith(limits: Partial<GPUSupportedLimits>) {
  const all = {
    maxStorageBufferBindingSize: 128 << 20,
    maxBufferSize: 256 << 20,
    maxComputeWorkgroupsPerDimension: 65535,
    maxComputeWorkgroupStorageSize: 16384,
    ...limits,
  };
  return { planChunks: (spec: SweepSpec, cells: Cell[], chunkRuns?: number) => planChunks(spec, cells, all, chunkRuns) };
}

describe('planChunks', () => {
  const spec = withDefaults({ base: { V: 16, d: 16, L: 32 }, grid: { stepSize: [1, 2, 3, 4, 5, 6, 7, 8] }, seeds: 1000 });
  const cells = expandGrid(spec);

  it('covers every run once, in whole cells', () => {
    const ranges = engineWith({}).planChunks(spec, cells);
    expect(ranges[0][0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(8000);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    for (const [b, e] of ranges) {
      expect(b % 1000).toBe(0);
      expect(e % 1000).toBe(0);
    }
  });

  it('keeps each chunk inside the storage-buffer and dispatch limits', () => {
    // Φ is 16·16·16 f32 = 16 KiB per run: a 4 MiB binding holds 256 runs, so chunks of whole cells cannot exceed it.
    const tight = withDefaults({ ...spec, seeds: 100 });
    const ranges = engineWith({ maxStorageBufferBindingSize: 4 << 20 }).planChunks(tight, expandGrid(tight));
    for (const [b, e] of ranges) expect(e - b).toBeLessThanOrEqual(256);
    const byDispatch = engineWith({ maxComputeWorkgroupsPerDimension: 250 }).planChunks(tight, expandGrid(tight));
    for (const [b, e] of byDispatch) expect(e - b).toBeLessThanOrEqual(250);
  });

  it('splits a cell larger than a chunk rather than exceeding a limit', () => {
    const ranges = engineWith({ maxComputeWorkgroupsPerDimension: 300 }).planChunks(spec, cells);
    expect(Math.max(...ranges.map(([b, e]) => e - b))).toBeLessThanOrEqual(300);
    expect(ranges[ranges.length - 1][1]).toBe(8000);
  });

  it('refuses, with the reason, a shape that needs more workgroup memory than the device has', () => {
    const big = withDefaults({ base: { V: 64, d: 8, L: 64, G: 64 }, seeds: 1 });
    const needed = workgroupBytes({ D: 8, PK: 4096, P: 64, K: 64, S: 64, B: 1, TOK: 4096, BETA: 1, OPT: 1, DRAW: 1 });
    expect(needed).toBeGreaterThan(16384);
    expect(() => engineWith({}).planChunks(big, expandGrid(big))).toThrow(/needs \d+ bytes of workgroup memory per run; the device allows 16384/);
  });
});
