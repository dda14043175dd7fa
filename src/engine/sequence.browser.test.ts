import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device.ts';
import { GpuEngine } from './sequence.ts';
import { simulateChunkCpu } from './cpu-chunk.ts';
import { expandGrid, withDefaults } from './spec.ts';

describe('smoke', () => {
  it('runs a chunk', async () => {
    const ctx = await acquireGpu();
    console.log('adapter', ctx.adapterName, ctx.fallbackAdapter);
    const engine = new GpuEngine(ctx);
    const spec = withDefaults({ base: { iterations: 30, recordEvery: 10 }, grid: { stepSize: [1, 30] }, seeds: 8 });
    const cells = expandGrid(spec);
    const ranges = engine.planChunks(spec, cells);
    const { outputs, stats } = await engine.runChunk(spec, cells, ranges[0][0], ranges[0][1]);
    const cpu = simulateChunkCpu(spec, 0, 16);
    console.log(Array.from(outputs.finalJ).map((x) => x.toFixed(4)).join(' '));
    console.log(Array.from(cpu.finalJ).map((x) => x.toFixed(4)).join(' '));
    console.log(JSON.stringify(stats));
    expect(outputs.finalJ.length).toBe(16);
  });
});
