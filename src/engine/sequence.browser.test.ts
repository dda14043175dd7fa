/**
 * The WGSL kernels against their CPU twins, in real headless Chromium on WebGPU: every family ×
 * advantage × aggregation in sampled mode (token streams compared draw by draw), every exact
 * direction, and the GPU per-cell reduction against stats.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from './device.ts';
import { GpuEngine } from './sequence.ts';
import { newRunRecord } from './run-outputs.ts';
import { RunScratch, simulateRun, type RunRecord } from './sequence-cpu.ts';
import { setupRuns } from './setup.ts';
import { ADVANTAGES, AGGREGATIONS, OPTIMIZERS, expandGrid, recordSteps, withDefaults, type RunParams, type SweepSpec } from '../spec/spec.ts';
import { cellStatsCpu } from './stats.ts';

/** A float tie: the draw lies this close to a CDF edge, where f32 rounding of π may move it across. */
const TIE_MARGIN = 1e-5;
/**
 * Final-J tolerance for runs whose token streams agree. The twin sums in float64 where the kernel
 * sums in f32, and exp differs in the last bits, so θ drifts apart by ~1e-6 relative per step;
 * over tens of steps that moves J by ~1e-6 here (SwiftShader; the maximum is printed), and 1e-4
 * leaves room for GPUs whose exp is less precise.
 */
const J_TOLERANCE = 1e-4;

const FAMILIES: Record<string, Partial<RunParams>> = {
  'bandit tabular': { family: 'bandit', features: 'tabular', K: 6, B: 1 },
  'bandit contextual, B < N': { family: 'bandit', features: 'gaussian', N: 5, K: 4, d: 3, B: 2 },
  'bandit contextual, B = N': { family: 'bandit', features: 'gaussian', N: 3, K: 4, d: 3, B: 3 },
  'token gaussian exact-match': { family: 'token', features: 'gaussian', reward: 'exact-match', V: 5, d: 4, L: 4 },
  'token gaussian final-answer': { family: 'token', features: 'gaussian', reward: 'final-answer', V: 5, d: 4, L: 4, J0: 0.4 },
  'token tabular-bigram exact-match': { family: 'token', features: 'tabular', reward: 'exact-match', V: 4, L: 3 },
};

/**
 * How the token streams of the kernel and the twin compare, run by run, up to where they part.
 * They part at a float tie (the draw within TIE_MARGIN of a CDF edge), or — after many steps —
 * where f32 rounding differences in θ have grown until the CDFs differ by more than that
 * ("drift"); the step at which each drift parting happened is kept, so a test can ask that it
 * never happens early.
 */
interface Comparison {
  runs: number;
  tieRuns: number; // runs whose token streams part at a float tie (then their J may differ)
  driftRuns: { run: number; step: number; text: string }[]; // streams that part away from any tie
  maxJDiff: number; // over runs with identical streams
  maxUpdateRel: number; // largest relative ‖Δθ‖ difference over those runs
  draws: number;
  promptDraws: number; // prompt draws compared (SPEC 1.8), up to where a run's token streams part
  promptMismatches: string[];
  shareMismatches: string[]; // solved/lost shares that differ (a J_q at a threshold to f32 rounding)
}

/**
 * ‖Δθ‖ relative tolerance. Plain SGD: η‖w‖, so ~1e-6 like w itself. Adam: each coordinate moves by
 * η·m̂/(√v̂+ε); where |g| is tiny that ratio amplifies the f32 differences of w, and for a
 * coordinate whose m sits near 0 it can differ by far more than 1e-6 of it; 1e-3 of the whole norm
 * bounds that on SwiftShader's exp and sqrt (the measured maximum is printed).
 */
const UPDATE_TOLERANCE = 1e-3;

function cpuRun(spec: SweepSpec, run: number, probe?: Parameters<typeof simulateRun>[8], promptProbe?: Parameters<typeof simulateRun>[9]): RunRecord {
  const cells = expandGrid(spec);
  const { instances, runs } = setupRuns(spec, cells, run, run + 1);
  const r = runs[0];
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const out = newRunRecord(steps.length);
  const inst = instances[r.instanceId];
  return simulateRun(r.cell.params, inst, r.theta0, spec.seed, run, steps, out, new RunScratch(inst, r.cell.params), probe, promptProbe);
}

async function compare(engine: GpuEngine, spec: SweepSpec): Promise<Comparison> {
  const cells = expandGrid(spec);
  const n = cells.length * spec.seeds;
  const gpu = await engine.runChunk(spec, cells, 0, n, spec.base.mode === 'sampled');
  const maxB = Math.max(...cells.map((c) => c.params.B)); // the trace's last words per run-step are the prompt draws
  const result: Comparison = {
    runs: n,
    tieRuns: 0,
    driftRuns: [],
    maxJDiff: 0,
    maxUpdateRel: 0,
    draws: 0,
    promptDraws: 0,
    promptMismatches: [],
    shareMismatches: [],
  };
  for (let run = 0; run < n; run++) {
    const p = cells[Math.floor(run / spec.seeds)].params;
    const L = p.family === 'bandit' ? 1 : p.L;
    let parted = 'no' as 'no' | 'tie' | 'real'; // set inside the probe callback
    const cpu = cpuRun(
      spec,
      run,
      (step, j, t, token, margin) => {
        if (parted !== 'no') return;
        result.draws++;
        const gpuToken = gpu.tokenTrace![(step * n + run) * gpu.traceStride! + j * L + t];
        if (gpuToken === token) return;
        parted = margin < TIE_MARGIN ? 'tie' : 'real';
        if (parted === 'real')
          result.driftRuns.push({
            run,
            step,
            text: `run ${run} step ${step} sample ${j} token ${t}: cpu ${token} gpu ${gpuToken} (margin ${margin.toExponential(1)})`,
          });
      },
      (step, g, prompt) => {
        if (parted !== 'no') return;
        result.promptDraws++;
        const gpuPrompt = gpu.tokenTrace![(step * n + run) * gpu.traceStride! + gpu.traceStride! - maxB + g];
        if (gpuPrompt !== prompt) result.promptMismatches.push(`run ${run} step ${step} group ${g}: cpu ${prompt} gpu ${gpuPrompt}`);
      },
    );
    if (parted === 'tie') result.tieRuns++;
    if (parted !== 'no') continue;
    expect(gpu.outputs.diverged[run]).toBe(cpu.diverged ? 1 : 0);
    if (!cpu.diverged) result.maxJDiff = Math.max(result.maxJDiff, Math.abs(gpu.outputs.finalJ[run] - cpu.finalJ));
    for (let r = 0; r < cpu.trajectory.length; r++) {
      const at = run * cpu.trajectory.length + r;
      // ‖Δθ‖ of the step into t: relative to its size, plus what the J difference's θ difference explains.
      // Not for the gap direction: g = ∇J/(J(1−J)) blows up as J rounds to 1, and where the kernel's
      // and the twin's f32 J(1−J) differ the steps differ by orders of magnitude while J stays 1.
      const gapDirection = spec.base.mode === 'exact' && spec.base.exactDirection === 'gap';
      if (Number.isNaN(cpu.updateNorm[r])) expect(gpu.outputs.updateNorm[at]).toBeNaN();
      else if (!gapDirection) {
        const diff = Math.abs(gpu.outputs.updateNorm[at] - cpu.updateNorm[r]);
        result.maxUpdateRel = Math.max(result.maxUpdateRel, diff / Math.max(cpu.updateNorm[r], 1e-30));
        expect(diff, `run ${run} record ${r}: gpu ${gpu.outputs.updateNorm[at]} cpu ${cpu.updateNorm[r]} J ${cpu.trajectory[r]}`).toBeLessThanOrEqual(
          UPDATE_TOLERANCE * cpu.updateNorm[r] + 1e-7,
        );
      }
      // Lengths (SPEC 1.7): sampled means from identical streams, E|o| from the chain.
      for (const name of ['meanLength', 'meanLengthPassing', 'meanLengthFailing'] as const) {
        if (Number.isNaN(cpu[name][r])) expect(gpu.outputs[name][at], `${name} run ${run} record ${r}`).toBeNaN();
        else expect(Math.abs(gpu.outputs[name][at] - cpu[name][r]), `${name} run ${run} record ${r}`).toBeLessThanOrEqual(1e-6 * cpu[name][r]);
      }
      expect(Math.abs(gpu.outputs.expectedLength[at] - cpu.expectedLength[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, cpu.expectedLength[r]));
      // Shares of prompts solved and lost (SPEC 1.8): counts over N, equal unless a J_q sits within f32 rounding of ½ or of J_q(0)/2.
      for (const name of ['solvedShare', 'lostShare'] as const) {
        if (Number.isNaN(cpu[name][r])) expect(gpu.outputs[name][at], `${name} run ${run} record ${r}`).toBeNaN();
        else if (Math.abs(gpu.outputs[name][at] - cpu[name][r]) > 1e-6)
          result.shareMismatches.push(`${name} run ${run} record ${r}: gpu ${gpu.outputs[name][at]} cpu ${cpu[name][r]}`);
      }
      // The PPO loop (SPEC 1.9): the same tokens clipped (one may flip where ρ sits within rounding of a clip edge), the KL from the chain.
      if (Number.isNaN(cpu.klReference[r])) expect(gpu.outputs.klReference[at], `KL run ${run} record ${r}`).toBeNaN();
      else
        expect(Math.abs(gpu.outputs.klReference[at] - cpu.klReference[r]), `KL run ${run} record ${r}`).toBeLessThanOrEqual(1e-3 * cpu.klReference[r] + 1e-5);
      expect(Math.abs(gpu.outputs.clippedShare[at] - cpu.clippedShare[r]), `clipped share run ${run} record ${r}`).toBeLessThanOrEqual(0.01);
      if (Number.isNaN(cpu.trajectory[r])) expect(gpu.outputs.trajectory[at]).toBeNaN();
      else expect(Math.abs(gpu.outputs.trajectory[at] - cpu.trajectory[r])).toBeLessThanOrEqual(J_TOLERANCE);
      // ‖∇J‖ = J(1−J)‖g‖ spans many decades: compare it relative to its scale, plus what the J
      // difference itself explains (|Δ(J(1−J))| ≤ |ΔJ|), which dominates as J → 1.
      if (!Number.isNaN(cpu.gradientNorm[r])) {
        const J = cpu.trajectory[r];
        const gap = J > 0 && J < 1 ? cpu.gradientNorm[r] / (J * (1 - J)) : 0;
        const dJ = Math.abs(gpu.outputs.trajectory[at] - J);
        expect(Math.abs(gpu.outputs.gradientNorm[at] - cpu.gradientNorm[r])).toBeLessThanOrEqual(1e-3 * cpu.gradientNorm[r] + 2 * dJ * gap + 1e-6);
      }
    }
  }
  return result;
}

describe('sequence.wgsl against its CPU twin', () => {
  let engine: GpuEngine;
  let ctx: GpuContext;
  const report: string[] = [];
  beforeAll(async () => {
    ctx = await acquireGpu();
    engine = new GpuEngine(ctx);
  });

  for (const [name, family] of Object.entries(FAMILIES)) {
    it(`sampled: ${name}, every advantage × aggregation`, async () => {
      const spec = withDefaults({
        base: { ...family, G: 4, stepSize: 2, iterations: 12, recordEvery: 4 },
        grid: { advantage: [...ADVANTAGES], aggregation: [...AGGREGATIONS] },
        seeds: 3,
        seed: 11,
      });
      const c = await compare(engine, spec);
      report.push(`${name}: ${c.runs} runs, ${c.draws} draws compared, ${c.tieRuns} runs parted at a float tie, max |ΔJ| ${c.maxJDiff.toExponential(2)}`);
      expect(c.driftRuns.map((d) => d.text)).toEqual([]); // 12 steps: too few for rounding to grow
      expect(c.shareMismatches).toEqual([]);
      expect(c.tieRuns).toBeLessThanOrEqual(Math.ceil(c.runs * 0.05));
      expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
    });
  }

  for (const [name, family] of Object.entries(FAMILIES)) {
    it(`exact: ${name}, ∇J, gap, and E[A·s] of every advantage × aggregation`, async () => {
      for (const exactDirection of ['gradient', 'gap', 'expected-update'] as const) {
        const expected = exactDirection === 'expected-update';
        const spec = withDefaults({
          base: { ...family, G: 4, B: 1, stepSize: 1, mode: 'exact', exactDirection, iterations: 15, recordEvery: 5 },
          grid: expected ? { advantage: [...ADVANTAGES], aggregation: [...AGGREGATIONS] } : {},
          seeds: 2,
          seed: 5,
        });
        const c = await compare(engine, spec);
        report.push(`${name} exact ${exactDirection}: ${c.runs} runs, max |ΔJ| ${c.maxJDiff.toExponential(2)}`);
        expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
      }
    });
  }

  /** The exact directions (∇J, gap, E[A·s]) of an instance on both sides, G = 4, 15 steps, 2 seeds; `updateGrid` is swept for E[A·s]. */
  const compareExact = async (label: string, instance: Partial<RunParams>, updateGrid: SweepSpec['grid']) => {
    for (const exactDirection of ['gradient', 'gap', 'expected-update'] as const) {
      const spec = withDefaults({
        base: { ...instance, G: 4, stepSize: 1, mode: 'exact', exactDirection, iterations: 15, recordEvery: 5 },
        grid: exactDirection === 'expected-update' ? updateGrid : {},
        seeds: 2,
        seed: 5,
      });
      const c = await compare(engine, spec);
      report.push(`${label} exact ${exactDirection}: ${c.runs} runs, max |ΔJ| ${c.maxJDiff.toExponential(2)}`);
      expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
    }
  };

  /** The small EOS instance both EOS comparisons run on. */
  const eosInstance = (reward: 'exact-match' | 'final-answer') =>
    ({ family: 'token', features: 'gaussian', reward, eos: true, V: 6, d: 4, L: 8, targetLength: 3, J0: 0.3 }) as const;

  for (const reward of ['exact-match', 'final-answer'] as const) {
    it(`EOS, ${reward}: sampled, every aggregation × none/mean/group-std/rloo; tokens, lengths and J`, async () => {
      const spec = withDefaults({
        base: {
          ...eosInstance(reward),
          G: 6,
          stepSize: 3,
          iterations: 12,
          recordEvery: 4,
        },
        grid: { advantage: ['none', 'mean', 'group-std', 'rloo'], aggregation: [...AGGREGATIONS] },
        seeds: 3,
        seed: 13,
      });
      const c = await compare(engine, spec);
      report.push(`EOS ${reward}: ${c.runs} runs, ${c.draws} draws compared, ${c.tieRuns} runs parted at a float tie, max |ΔJ| ${c.maxJDiff.toExponential(2)}`);
      expect(c.driftRuns.map((d) => d.text)).toEqual([]);
      expect(c.tieRuns).toBeLessThanOrEqual(Math.ceil(c.runs * 0.05));
      expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
    });

    it(`EOS, ${reward}: exact ∇J, gap, and E[A·s] of the constant-scale aggregations`, () =>
      compareExact(`EOS ${reward}`, eosInstance(reward), { advantage: ['none', 'group-std'], aggregation: ['seq-sum', 'constant', 'constant-no-batch'] }));
  }

  // Many prompts at token level (SPEC 1.8): N ∈ {1, 4, V − 1}, B < N and B = N; prompt draws and tokens draw by draw.
  const PROMPTS: [string, Partial<RunParams>][] = [
    ['N = 1', { N: 1, B: 1 }],
    ['N = 4, B = 2', { N: 4, B: 2 }],
    ['N = 4, B = 4', { N: 4, B: 4 }],
    ['N = V − 1 = 5, B = 3', { N: 5, B: 3 }],
    ['N = V − 1 = 5, B = 5', { N: 5, B: 5 }],
  ];
  for (const reward of ['exact-match', 'final-answer'] as const) {
    for (const [name, prompts] of PROMPTS) {
      it(`many prompts, ${reward}, ${name}: sampled, advantages none/mean/group-std/batch-std/oracle; prompt draws, tokens and J`, async () => {
        const spec = withDefaults({
          base: { family: 'token', features: 'gaussian', reward, V: 6, d: 4, L: 4, J0: 0.3, G: 4, stepSize: 3, iterations: 12, recordEvery: 4, ...prompts },
          grid: { advantage: ['none', 'mean', 'group-std', 'batch-std', 'oracle'], aggregation: ['seq-sum', 'constant'] },
          seeds: 3,
          seed: 17,
        });
        const c = await compare(engine, spec);
        report.push(
          `prompts ${reward} ${name}: ${c.runs} runs, ${c.promptDraws} prompt draws and ${c.draws} token draws compared, ${c.tieRuns} runs parted at a float tie, max |ΔJ| ${c.maxJDiff.toExponential(2)}`,
        );
        expect(c.promptMismatches).toEqual([]);
        expect(c.shareMismatches).toEqual([]);
        expect(c.promptDraws).toBeGreaterThan(0);
        expect(c.driftRuns.map((d) => d.text)).toEqual([]);
        expect(c.tieRuns).toBeLessThanOrEqual(Math.ceil(c.runs * 0.05));
        expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
      });
    }
    it(`many prompts, ${reward}, N = 4: exact ∇J, gap, and E[A·s] of none/group-std`, () =>
      compareExact(
        `prompts ${reward}`,
        { family: 'token', features: 'gaussian', reward, V: 6, d: 4, L: 4, J0: 0.3, N: 4, B: 4 },
        { advantage: ['none', 'group-std'] },
      ));
  }

  for (const optimizer of OPTIMIZERS) {
    for (const maxGradNorm of [null, 0.5]) {
      it(`optimizer ${optimizer}, clipping ${maxGradNorm ?? 'off'}: group-std, seq-sum, sampled, with a warmup and a schedule, across dispatches`, async () => {
        const adamLike = optimizer === 'adam' || optimizer === 'adamw';
        const spec = withDefaults({
          base: {
            ...FAMILIES['token gaussian exact-match'],
            G: 6,
            iterations: 40,
            recordEvery: 5,
            optimizer,
            maxGradNorm,
            weightDecay: adamLike ? 0.01 : 0,
            warmupSteps: 5,
            schedule: 'cosine',
          },
          grid: { stepSize: adamLike ? [0.03, 0.3] : [1, 10] },
          seeds: 6,
          seed: 7,
        });
        // A small dispatch budget: 3 steps a dispatch, so m, v, the β powers and ‖Δθ‖ must cross dispatches.
        const small = new GpuEngine(ctx, 7 * 12 * 700);
        const c = await compare(small, spec);
        report.push(
          `${optimizer}, clip ${maxGradNorm ?? 'off'}: ${c.runs} runs, ${c.draws} draws compared, ${c.tieRuns} runs parted at a float tie, ` +
            `${c.driftRuns.length} after drift; max |ΔJ| ${c.maxJDiff.toExponential(2)}, max relative |Δ‖Δθ‖| ${c.maxUpdateRel.toExponential(2)}`,
        );
        expect(c.driftRuns.filter((d) => d.step < 20).map((d) => d.text)).toEqual([]);
        expect(c.tieRuns + c.driftRuns.length).toBeLessThanOrEqual(Math.ceil(c.runs * 0.1));
        expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
      });
    }
  }

  // The PPO loop (SPEC 1.9): several updates per batch, the clips and the KL, beside today's loop in one chunk.
  const PPO: [string, Partial<RunParams>, Record<string, unknown[]>, number?][] = [
    [
      'token, N = B = 4, M = 2, dual clip 3, k3: μ ∈ {1, 4} × β ∈ {0, 0.01}',
      { ...FAMILIES['token gaussian exact-match'], N: 4, B: 4, miniBatches: 2, dualClip: 3, stepSize: 30 },
      { ppoEpochs: [1, 4], klCoef: [0, 0.01] },
    ],
    [
      'EOS final answer, token-mean, μ = 4, β = 0.001 k1, AdamW across dispatches',
      {
        ...FAMILIES['token gaussian exact-match'],
        eos: true,
        reward: 'final-answer',
        targetLength: 3,
        aggregation: 'token-mean',
        ppoEpochs: 4,
        klCoef: 0.001,
        klEstimator: 'k1',
        optimizer: 'adamw',
        weightDecay: 0.01,
        stepSize: 0.05,
      },
      { clipHigh: [0.2, 0.28] },
      7 * 12 * 700,
    ],
    [
      'bandit, B = 2 < N = 5, M = 2, μ = 2',
      { family: 'bandit', features: 'gaussian', N: 5, K: 4, d: 3, B: 2, miniBatches: 2, ppoEpochs: 2, stepSize: 20 },
      { klCoef: [0, 0.05] },
    ],
  ];
  for (const [name, base, grid, budget] of PPO) {
    it(`PPO loop, ${name}: tokens, J, ‖Δθ‖, clipped share and KL against the twin`, async () => {
      const spec = withDefaults({ base: { G: 6, iterations: 24, recordEvery: 4, ...base }, grid, seeds: 4, seed: 23 });
      const c = await compare(budget ? new GpuEngine(ctx, budget) : engine, spec);
      report.push(
        `PPO ${name}: ${c.runs} runs, ${c.draws} draws compared, ${c.tieRuns} parted at a float tie, ${c.driftRuns.length} after drift; max |ΔJ| ${c.maxJDiff.toExponential(2)}, max relative |Δ‖Δθ‖| ${c.maxUpdateRel.toExponential(2)}`,
      );
      expect(c.promptMismatches).toEqual([]);
      expect(c.driftRuns.filter((d) => d.step < 12).map((d) => d.text)).toEqual([]);
      expect(c.tieRuns + c.driftRuns.length).toBeLessThanOrEqual(Math.ceil(c.runs * 0.1));
      expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
    });
  }

  it('optimizers in exact mode: a deterministic trajectory, GPU against twin', async () => {
    const spec = withDefaults({
      base: { ...FAMILIES['token gaussian final-answer'], mode: 'exact', iterations: 30, recordEvery: 10, stepSize: 0.05, maxGradNorm: 1, warmupSteps: 3 },
      grid: { optimizer: [...OPTIMIZERS] },
      seeds: 2,
      seed: 5,
    });
    const c = await compare(new GpuEngine(ctx, 3000), spec);
    report.push(`optimizers exact: ${c.runs} runs, max |ΔJ| ${c.maxJDiff.toExponential(2)}, max relative |Δ‖Δθ‖| ${c.maxUpdateRel.toExponential(2)}`);
    expect(c.maxJDiff).toBeLessThanOrEqual(J_TOLERANCE);
  });

  it('P1 setup at scale: token streams agree draw by draw, and the float-tie rate is reported', async () => {
    const spec = withDefaults({ base: { iterations: 150, recordEvery: 50 }, grid: { stepSize: [1, 30] }, seeds: 48, seed: 1 });
    const c = await compare(engine, spec);
    report.push(
      `P1 setup (V=8 d=6 L=8 G=8, η 1 and 30, 150 steps): ${c.runs} runs, ${c.draws} draws compared; ${c.tieRuns} runs parted at a float tie, ` +
        `${c.driftRuns.length} after rounding drift (${c.driftRuns.map((d) => d.text).join('; ') || 'none'}); max |ΔJ| of the rest ${c.maxJDiff.toExponential(2)}`,
    );
    // Rounding needs many steps to grow past a tie's width: no drift parting in the first 20 steps,
    // and few runs part at all.
    expect(c.driftRuns.filter((d) => d.step < 20)).toEqual([]);
    expect(c.tieRuns + c.driftRuns.length).toBeLessThanOrEqual(Math.ceil(c.runs * 0.1));
  });

  it('reduce.wgsl gives the twin statistics: quantiles and counts exactly, the mean to f32 rounding', async () => {
    const spec = withDefaults({ base: { iterations: 20, recordEvery: 10 }, grid: { stepSize: [0.5, 30, 300] }, seeds: 100, seed: 3 });
    const cells = expandGrid(spec);
    const { outputs, stats } = await engine.runChunk(spec, cells, 0, cells.length * spec.seeds);
    expect(stats.length).toBe(cells.length);
    for (const s of stats) {
      const b = s.cell * spec.seeds;
      const twin = cellStatsCpu(
        s.cell,
        outputs.finalJ.subarray(b, b + spec.seeds),
        outputs.diverged.subarray(b, b + spec.seeds),
        spec.collapseFraction * cells[s.cell].params.J0,
      );
      expect({ ...s, meanFinalJ: 0 }).toEqual({ ...twin, meanFinalJ: 0 });
      expect(Math.abs(s.meanFinalJ - twin.meanFinalJ)).toBeLessThanOrEqual(1e-6 * Math.abs(twin.meanFinalJ) + 1e-12);
    }
    report.push(`reduce: ${stats.length} cells agree`);
    console.log(`GPU vs CPU twin on ${ctx.adapterName}:\n${report.join('\n')}`);
  });
});
