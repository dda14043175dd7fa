/**
 * A transformer sweep through runSweep on the CPU twin (SPEC 1.10): every run's outputs are the
 * warm start and GRPO loop called directly (the task set and θ0 of its seed index, its own run
 * index), whatever the chunking; runs whose warm start never reached J0 are counted per cell and
 * left out of its statistics and bands; a log-linear sweep's arrays never hear of it.
 */
import { describe, expect, it } from 'vitest';
import { F32, initialParameters, makeTaskSet, TransformerTwin, transformerModel } from '../model/index.ts';
import { TRANSFORMER_LOOP_ADVANTAGES, TRANSFORMER_LOOP_AGGREGATIONS } from '../spec/transformer-validate.ts';
import { expandGrid, parseSpec, type SweepSpecInput } from '../spec/index.ts';
import { ResultsBuilder } from './results-builder.ts';
import { runSweep } from './run-sweep.ts';
import { cellStatsCpu } from './stats.ts';
import { simulateChunkCpu } from './cpu-chunk.ts';
import { planTransformerChunks } from './transformer-kernel-plan.ts';
import { TRANSFORMER_ADVANTAGES, TRANSFORMER_AGGREGATIONS, trainTransformerGrpo, type TransformerLoopParams } from './transformer-grpo.ts';
import { supervisedWarmStart } from './transformer-sft.ts';
import { runOneStepThreshold, RUN_THRESHOLD_TOLERANCE } from './transformer-threshold.ts';

const BASE = {
  policy: 'transformer',
  V: 4,
  d: 8,
  N: 8,
  B: 4,
  G: 4,
  promptLength: 2,
  heldOutPrompts: 4,
  iterations: 6,
  recordEvery: 3,
  sftLearningRate: 0.05,
  sftMaxSteps: 300,
} as const;
const INPUT = { base: BASE, grid: { stepSize: [0.03, 3], J0: [0.3, 0.6] }, seeds: 3 } as SweepSpecInput;
const R = 3; // steps 0, 3, 6

describe('a transformer sweep on the CPU twin', () => {
  it('runs on the twin under auto and says so; backend webgpu is refused by name for an option the kernel lacks', async () => {
    const result = await runSweep(INPUT, { chunkRuns: 5 });
    expect(result.backend).toMatchObject({
      kind: 'cpu',
      reason: 'auto: policy "transformer" runs on the CPU twin (its WGSL kernel, one GPU thread per run, runs when backend "webgpu" is chosen)',
    });
    // Refused before any adapter is asked for, naming the field the kernel lacks.
    for (const [patch, field] of [
      [{ advantage: 'rloo' }, 'advantage'],
      [{ aggregation: 'constant-no-batch' }, 'aggregation'],
      [{ ppoEpochs: 2 }, 'ppoEpochs'],
      [{ klCoef: 0.1 }, 'klCoef'],
    ] as const)
      await expect(runSweep({ ...INPUT, base: { ...INPUT.base, ...patch } }, { backend: 'webgpu' })).rejects.toThrow(
        new RegExp(`backend "webgpu" with policy "transformer": ${field} = .* is not in the transformer's WGSL kernel.*use backend "auto" or "cpu"`),
      );
  });

  it("runs a sweep with EOS (SPEC 1.7): responses stop at EOS, L counts it, the lengths are the loop's own records", async () => {
    const input = { base: { ...BASE, V: 5, N: 8, heldOutPrompts: 4, eos: true, L: 4 }, grid: { stepSize: [0.1, 3] }, seeds: 2 } as SweepSpecInput;
    const spec = parseSpec(input);
    const out = simulateChunkCpu(spec, 0, 4);
    const p = expandGrid(spec)[0].params;
    const model = transformerModel({ V: 5, d: 8, T: 2 + 4, layers: 1, heads: 2 }, F32);
    const twin = new TransformerTwin(model);
    const set = makeTaskSet({ task: 'copy', V: 5, promptLength: 2, N: 8, heldOutPrompts: 4, eos: true }, spec.seed, 1);
    expect(set.eos).toBe(4);
    const theta = initialParameters(model.layout, spec.seed, 1);
    const sft = supervisedWarmStart(twin, theta, set, { J0: p.J0, sftLearningRate: 0.05, sftMaxSteps: 300 });
    const loop = trainTransformerGrpo(twin, theta, set, { ...p, seed: spec.seed, run: 1 } as TransformerLoopParams);
    expect([out.sftSteps[1], out.sftJ[1]]).toEqual([sft.steps, sft.J]);
    for (const name of ['trajectory', 'meanLength', 'expectedLength'] as const) {
      const mine = name === 'trajectory' ? loop.J : loop[name];
      expect(Array.from(out[name].subarray(R, 2 * R)), name).toEqual(Array.from(mine));
    }
    // Copy of 2 tokens then EOS: a response is 1 to L = 4 tokens long, so E|o| lies in [1, 4] and is not fixed at 2.
    for (const length of out.expectedLength) expect(length >= 1 && length <= 4, `E|o| = ${length}`).toBe(true);
    expect(new Set(Array.from(out.expectedLength)).size).toBeGreaterThan(1);
    // No one-step prediction with EOS (the expected update is written for fixed-length responses).
    expect(Array.from(out.oneStepThreshold).every(Number.isNaN)).toBe(true);
    await expect(runSweep(input, { backend: 'webgpu' })).rejects.toThrow(/eos = true is not in the transformer's WGSL kernel/);
  });

  it('plans kernel chunks of at most chunkRuns runs, cut where the model shape changes', () => {
    const spec = parseSpec({ ...INPUT, grid: { d: [8, 16], stepSize: [0.1, 3] } } as SweepSpecInput);
    const cells = expandGrid(spec);
    const seeds = spec.seeds;
    const ranges = planTransformerChunks(spec, cells, 0, cells.length * seeds, 5);
    expect(ranges.flat()[0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(cells.length * seeds);
    for (const [b, e] of ranges) {
      expect(e - b).toBeLessThanOrEqual(5);
      const shapes = new Set(cells.slice(Math.floor(b / seeds), Math.floor((e - 1) / seeds) + 1).map((c) => c.params.d));
      expect(shapes.size).toBe(1);
    }
  });

  it('stores each run as the warm start and loop called directly give it, whatever the chunking', async () => {
    const spec = parseSpec(INPUT);
    const cells = expandGrid(spec);
    const whole = simulateChunkCpu(spec, 0, 12);
    const pieces = [simulateChunkCpu(spec, 0, 5), simulateChunkCpu(spec, 5, 12)];
    expect(Array.from(pieces.flatMap((c) => Array.from(c.trajectory)))).toEqual(Array.from(whole.trajectory));
    // The threshold, memoized per chunk over η: the same whichever runs share a chunk (one run a chunk: none shared).
    const single = Array.from({ length: 12 }, (_, run) => simulateChunkCpu(spec, run, run + 1).oneStepThreshold[0]);
    expect(Array.from(pieces.flatMap((c) => Array.from(c.oneStepThreshold)))).toEqual(Array.from(whole.oneStepThreshold));
    expect(single).toEqual(Array.from(whole.oneStepThreshold));
    const model = transformerModel({ V: 4, d: 8, T: 4, layers: 1, heads: 2 }, F32);
    const twin = new TransformerTwin(model);
    for (const run of [0, 4, 11]) {
      const p = cells[Math.floor(run / 3)].params;
      const seedIndex = run % 3;
      const set = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 8, heldOutPrompts: 4 }, spec.seed, seedIndex);
      const theta = initialParameters(model.layout, spec.seed, seedIndex);
      const sft = supervisedWarmStart(twin, theta, set, { J0: p.J0, sftLearningRate: 0.05, sftMaxSteps: 300 });
      const eta = runOneStepThreshold(twin, theta, set, p, { relativeTolerance: RUN_THRESHOLD_TOLERANCE });
      expect(eta).toBeGreaterThan(0); // a found threshold or +∞: J rises for small η after the warm start
      expect(whole.oneStepThreshold[run]).toBe(Math.fround(eta));
      const loop = trainTransformerGrpo(twin, theta, set, { ...p, seed: spec.seed, run } as TransformerLoopParams);
      expect([whole.sftSteps[run], whole.sftJ[run], whole.sftReached[run]]).toEqual([sft.steps, sft.J, 1]);
      expect(Array.from(whole.trajectory.subarray(run * R, run * R + R))).toEqual(Array.from(loop.J));
      expect(Array.from(whole.heldOutJ.subarray(run * R, run * R + R))).toEqual(Array.from(loop.heldOutJ));
      expect(Array.from(whole.updateNorm.subarray(run * R, run * R + R))).toEqual(Array.from(loop.deltaNorm));
      expect(whole.initialJ[run]).toBe(sft.J);
      expect(whole.finalJ[run]).toBe(loop.J[R - 1]);
      expect(whole.minJ[run]).toBe(Math.min(...loop.J));
      expect(whole.diverged[run]).toBe(0);
      expect(whole.meanLength[run * R + 1]).toBe(2); // copy of 2 tokens: every response has 2
      // The loop's own records land under their RUN_OUTPUTS names (‖∇J‖ exact, shares, ‖θ‖).
      for (const name of ['gradientNorm', 'solvedShare', 'lostShare', 'thetaNorm'] as const)
        expect(Array.from(whole[name].subarray(run * R, run * R + R)), name).toEqual(Array.from(loop[name]));
      expect(Number.isFinite(whole.gradientNorm[run * R])).toBe(true);
    }
    // η = 3 collapses J where η = 0.03 does not (the cells' stats: 0.03 first).
    const result = await runSweep(INPUT, { backend: 'cpu' });
    expect(result.cellStats[0].collapsed).toBe(0);
    expect(result.cellStats[2].collapsed).toBeGreaterThan(0);
  });

  it('counts the runs whose warm start never reached J0 per cell and leaves them out of its statistics and bands', async () => {
    // Within 12 warm-start steps seeds 0 and 2 reach J0 0.3 (9 and 8 steps) and seed 1 does not (15); at J0 0.6 only seed 2 (12).
    const input = { ...INPUT, base: { ...BASE, sftMaxSteps: 12 } } as SweepSpecInput;
    const spec = parseSpec(input);
    const whole = await runSweep(input, { backend: 'cpu' });
    expect(Array.from(whole.runs.sftReached)).toEqual([1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1]);
    expect(whole.runs.finalJ[1]).toBeNaN();
    expect(whole.runs.oneStepThreshold[1]).toBeNaN(); // no θ at J0: no prediction
    expect(Number.isNaN(whole.runs.oneStepThreshold[0])).toBe(false);
    expect(whole.runs.trajectory[1 * R]).toBeNaN();
    expect(whole.cellStats.map((s) => [s.runs, s.unreached])).toEqual([
      [2, 1],
      [1, 2],
      [2, 1],
      [1, 2],
    ]);
    const reachedOf0 = Float32Array.of(whole.runs.finalJ[0], whole.runs.finalJ[2]);
    expect(whole.cellStats[0]).toEqual({ ...cellStatsCpu(0, reachedOf0, new Uint8Array(2), 0.5 * 0.3), unreached: 1 });
    // The J band of cell 0 at its last step: the two reached seeds only (a NaN would have been dropped, but `finite`-free fields like the mean would not be the two's).
    const band = whole.bands!.trajectory.subarray((0 * R + R - 1) * 4, (0 * R + R) * 4);
    expect(band[3]).toBe(Math.fround((reachedOf0[0] + reachedOf0[1]) / 2));
    // Cells split between chunks and no series kept: the same statistics and bands.
    const split = new ResultsBuilder(spec, [0, 12], { keepSeries: false });
    for (const [b, e] of [
      [0, 2],
      [2, 7],
      [7, 12],
    ])
      split.accept(simulateChunkCpu(spec, b, e));
    const ending = { specHash: '', backend: whole.backend, wallMs: 0, stopReason: 'done', message: '' } as const;
    const fromSplit = split.finish(ending);
    expect(fromSplit.cellStats).toEqual(whole.cellStats);
    expect(Array.from(fromSplit.bands!.trajectory)).toEqual(Array.from(whole.bands!.trajectory));
    expect(Array.from(fromSplit.runs.sftReached)).toEqual(Array.from(whole.runs.sftReached));
  });

  it('gives a log-linear sweep no unreached count, and the spec takes the loop’s own advantages and aggregations', async () => {
    const result = await runSweep({ base: { iterations: 4, recordEvery: 2 }, grid: { stepSize: [1, 30] }, seeds: 2 }, { backend: 'cpu' });
    expect(result.cellStats.every((s) => !('unreached' in s))).toBe(true);
    expect([...TRANSFORMER_LOOP_ADVANTAGES]).toEqual([...TRANSFORMER_ADVANTAGES]);
    expect([...TRANSFORMER_LOOP_AGGREGATIONS]).toEqual([...TRANSFORMER_AGGREGATIONS]);
  });
});
