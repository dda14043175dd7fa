/**
 * The sweep runner in the browser: backend choice, progress per chunk, cancel within a chunk,
 * device loss with finished chunks kept, nothing dispatched on a bad spec, and GPU = CPU results.
 */
import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device.ts';
import { runSweep } from './run-sweep.ts';
import type { Progress } from './results.ts';
import { SpecError } from '../spec/validate.ts';

const small = { base: { iterations: 20, recordEvery: 5 }, grid: { stepSize: [1, 10, 100] }, seeds: 8 };

describe('runSweep', () => {
  it('auto picks the CPU twin on a software adapter, and says why', async () => {
    const ctx = await acquireGpu();
    const result = await runSweep(small, { gpu: ctx });
    expect(ctx.fallbackAdapter).toBe(true); // SwiftShader in headless Chromium
    expect(result.backend.kind).toBe('cpu');
    expect(result.backend.reason).toMatch(/software adapter/);
    expect(result.backend.threads).toBe(navigator.hardwareConcurrency);
    expect(result.complete).toBe(true);
    expect(result.cellStats).toHaveLength(3);
  });

  it('the WebGPU override gives the same table as the CPU twin', async () => {
    const [gpu, cpu] = [await runSweep(small, { backend: 'webgpu' }), await runSweep(small, { backend: 'cpu' })];
    expect(gpu.backend.kind).toBe('webgpu');
    expect(gpu.backend.reason).toBe('user override: WebGPU');
    expect(gpu.specHash).toBe(cpu.specHash);
    for (let run = 0; run < gpu.runs.runCount; run++) {
      expect(Math.abs(gpu.runs.finalJ[run] - cpu.runs.finalJ[run])).toBeLessThan(1e-4);
    }
    for (const [i, s] of gpu.cellStats.entries()) {
      expect(s.collapsed).toBe(cpu.cellStats[i].collapsed);
      expect(Math.abs(s.meanFinalJ - cpu.cellStats[i].meanFinalJ)).toBeLessThan(1e-4);
    }
  });

  it('reproduces bit for bit: a WebGPU rerun, and the CPU twin whatever the thread count or chunking', async () => {
    const bits = (r: Awaited<ReturnType<typeof runSweep>>) => [
      Array.from(new Uint32Array(r.runs.finalJ.buffer)),
      Array.from(new Uint32Array(r.runs.trajectory.buffer)),
      r.cellStats,
    ];
    expect(bits(await runSweep(small, { backend: 'webgpu' }))).toEqual(bits(await runSweep(small, { backend: 'webgpu', chunkRuns: 8 })));
    expect(bits(await runSweep(small, { backend: 'cpu', threads: 1 }))).toEqual(bits(await runSweep(small, { backend: 'cpu', threads: 2, chunkRuns: 5 })));
  });

  it('a shape too big for workgroup memory runs on the CPU twin under auto, and is refused with the numbers under webgpu', async () => {
    const ctx = await acquireGpu();
    const big = { base: { V: 64, d: 4, L: 2, iterations: 2, recordEvery: 1 }, seeds: 2 }; // π and C alone: 2·64·64 f32 = 32 KiB
    // Present the adapter as a hardware one, so that auto would otherwise pick WebGPU.
    const result = await runSweep(big, { gpu: { ...ctx, fallbackAdapter: false } });
    expect(result.backend.kind).toBe('cpu');
    expect(result.backend.reason).toMatch(/needs \d+ bytes of workgroup memory per run and .* allows \d+; CPU twin/);
    expect(result.complete).toBe(true);
    await expect(runSweep(big, { backend: 'webgpu', gpu: ctx })).rejects.toThrow(/needs \d+ bytes of workgroup memory per run; the device allows \d+/);
  });

  it('refuses a bad spec before choosing a backend or dispatching anything', async () => {
    const progress: Progress[] = [];
    await expect(runSweep({ base: { L: 0 }, seeds: 0 }, { backend: 'webgpu', onProgress: (p) => progress.push(p) })).rejects.toThrow(SpecError);
    await expect(runSweep({ base: { stepSize: -1 } })).rejects.toThrow(/stepSize = -1: must be a number in \(0, 1000000\]/);
    expect(progress).toEqual([]);
  });

  for (const backend of ['webgpu', 'cpu'] as const) {
    it(`${backend}: reports progress once per chunk and cancels within one chunk`, async () => {
      const progress: Progress[] = [];
      const full = await runSweep(small, { backend, chunkRuns: 8, onProgress: (p) => progress.push(p) });
      expect(progress.length).toBe(3);
      expect(progress.map((p) => p.runsDone)).toEqual([8, 16, 24]);
      expect(progress.every((p) => p.runsTotal === 24 && p.chunksTotal === 3)).toBe(true);
      const controller = new AbortController();
      const seen: Progress[] = [];
      const cancelled = await runSweep(small, {
        backend,
        chunkRuns: 8,
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p);
          controller.abort();
        },
      });
      expect(cancelled.stopReason).toBe('cancelled');
      expect(cancelled.complete).toBe(false);
      // Chunks already on a worker may finish; nothing new starts after the cancel.
      expect(cancelled.runsDone).toBeLessThanOrEqual(8 * (backend === 'cpu' ? navigator.hardwareConcurrency : 1));
      expect(cancelled.runsDone).toBeLessThan(24);
      expect(cancelled.message).toMatch(/cancelled after \d+ of 24 runs/);
      // What finished is kept, and equals the full run.
      const kept = cancelled.cellStats[0];
      expect(kept).toEqual(full.cellStats[0]);
    });
  }

  it('device loss mid-sweep: finished chunks are kept and a re-run is offered', async () => {
    const ctx = await acquireGpu();
    const result = await runSweep(small, {
      backend: 'webgpu',
      gpu: ctx,
      chunkRuns: 8,
      onProgress: (p) => {
        if (p.chunksDone === 1) ctx.device.destroy();
      },
    });
    expect(result.stopReason).toBe('device-lost');
    expect(result.complete).toBe(false);
    expect(result.runsDone).toBe(8);
    expect(result.cellStats.map((s) => s.cell)).toEqual([0]);
    expect(result.message).toMatch(/lost.*8 of 24 runs finished and are kept\. Run again/);
    expect(Number.isFinite(result.runs.finalJ[0])).toBe(true);
    expect(Number.isNaN(result.runs.finalJ[8])).toBe(true); // never ran: NaN, not a fake zero
  });
});
