/**
 * replayRun (SPEC 1.8): a replayed run is the sweep's own run bit for bit; its J_q per prompt
 * average to the recorded J and give back the recorded shares; at θ0 they are the theory's exact
 * per-prompt J (float64, theory/success-rate.ts); a run outside the sweep is refused.
 */
import { describe, expect, it } from 'vitest';
import { replayRun, type ReplayedRun } from './replay.ts';
import { runSweep } from './run-sweep.ts';
import type { SweepResult } from './results.ts';
import { initialTheta, makeInstance } from '../model/index.ts';
import { expandGrid, parseSpec, type RunParams, type SweepSpec } from '../spec/index.ts';
import { exactSuccessRate, policyTables } from '../theory/index.ts';

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** A token sweep with N = 4 prompts over three step sizes (the largest loses prompts) and three seeds. */
function promptSpec(reward: RunParams['reward'], B: number): SweepSpec {
  return parseSpec({
    base: { family: 'token', features: 'gaussian', reward, V: 6, d: 4, L: 4, J0: 0.3, G: 4, N: 4, B, iterations: 40, recordEvery: 5 },
    grid: { stepSize: [1, 10, 60] },
    seeds: 3,
    seed: 11,
  });
}

const CASES = (['exact-match', 'final-answer'] as const).flatMap((reward) => [2, 4].map((B) => ({ reward, B })));

/** Every run of a spec replayed, with the CPU sweep of the same spec (small chunks: runs share the twin's scratch). */
async function replayedSweep(spec: SweepSpec): Promise<{ sweep: SweepResult; replays: ReplayedRun[] }> {
  const sweep = await runSweep(spec, { backend: 'cpu', threads: 1, chunkRuns: 4 });
  const replays = Array.from({ length: sweep.runs.runCount }, (_, run) => replayRun(spec, run));
  return { sweep, replays };
}

describe('replayRun (SPEC 1.8)', () => {
  for (const { reward, B } of CASES) {
    it(`${reward}, N = 4, B = ${B}: the replay is the sweep's run bit for bit, and J_q gives back J and the shares`, async () => {
      const spec = promptSpec(reward, B);
      const { sweep, replays } = await replayedSweep(spec);
      const R = sweep.runs.recordSteps.length;
      let lostSeen = 0;
      let solvedSeen = 0;
      for (const replay of replays) {
        const { run } = replay;
        const slice = (a: Float32Array) => a.subarray(run * R, (run + 1) * R);
        expect(replay.recordSteps).toEqual(sweep.runs.recordSteps);
        expect(replay.prompts).toBe(4);
        expect([replay.cell, replay.seed]).toEqual([Math.floor(run / spec.seeds), run % spec.seeds]);
        expect(bits(replay.trajectory), `trajectory of run ${run}`).toEqual(bits(slice(sweep.runs.trajectory)));
        expect(bits(replay.solvedShare), `solvedShare of run ${run}`).toEqual(bits(slice(sweep.runs.solvedShare)));
        expect(bits(replay.lostShare), `lostShare of run ${run}`).toEqual(bits(slice(sweep.runs.lostShare)));
        expect(bits([replay.finalJ]), `finalJ of run ${run}`).toEqual(bits([sweep.runs.finalJ[run]]));
        expect(replay.diverged).toBe(sweep.runs.diverged[run] === 1);

        // Float64 reference, from J_q alone: their mean is the recorded J (summed in f32 by the twin), and the shares are
        // the counts of J_q > ½ and of J_q < J_q(0)/2 over N.
        const N = replay.prompts;
        for (let r = 0; r < R; r++) {
          const Jq = Array.from(replay.promptJ.subarray(r * N, (r + 1) * N));
          if (Number.isNaN(replay.trajectory[r])) {
            expect(Jq.every(Number.isNaN)).toBe(true);
            continue;
          }
          const mean = Jq.reduce((a, b) => a + b, 0) / N;
          expect(Math.abs(mean - replay.trajectory[r]), `J of run ${run} at record ${r}`).toBeLessThan(1e-6);
          const solved = Jq.filter((j) => j > 0.5).length;
          const lost = Jq.filter((j, q) => j < 0.5 * replay.promptJ[q]).length;
          expect(replay.solvedShare[r] * N, `solved of run ${run} at record ${r}`).toBeCloseTo(solved, 5);
          expect(replay.lostShare[r] * N, `lost of run ${run} at record ${r}`).toBeCloseTo(lost, 5);
          solvedSeen += solved;
          lostSeen += lost;
        }
      }
      // Both rules are exercised: some prompts are solved, and η = 60 loses some.
      expect(solvedSeen).toBeGreaterThan(0);
      expect(lostSeen).toBeGreaterThan(0);
    });
  }

  for (const reward of ['exact-match', 'final-answer'] as const) {
    it(`${reward}: J_q at step 0 is the theory's exact per-prompt J at θ0 (float64) within 1e-6`, () => {
      const spec = promptSpec(reward, 2);
      const cells = expandGrid(spec);
      let spread = 0;
      for (let run = 0; run < cells.length * spec.seeds; run++) {
        const replay = replayRun(spec, run);
        const p = cells[replay.cell].params;
        const inst = makeInstance(p, spec.seed, replay.seed);
        const theta0 = Float32Array.from(initialTheta(inst, p)); // the engine's θ0 is f32
        const exact = exactSuccessRate(inst, policyTables(inst, theta0)).promptSuccess!;
        expect(exact).toHaveLength(replay.prompts);
        for (let q = 0; q < replay.prompts; q++) expect(Math.abs(replay.promptJ[q] - exact[q]), `run ${run} prompt ${q}`).toBeLessThan(1e-6);
        spread = Math.max(spread, Math.max(...exact) - Math.min(...exact));
      }
      expect(spread).toBeGreaterThan(0.05); // prompts start at different J_q: the check tells them apart
    });
  }

  it('one token prompt: J_q is J; a contextual bandit: one J_q per prompt row', () => {
    const one = replayRun(parseSpec({ base: { V: 5, d: 4, L: 3, J0: 0.3, stepSize: 5, iterations: 20, recordEvery: 5 }, seeds: 2 }), 1);
    expect(one.prompts).toBe(1);
    expect(bits(one.promptJ)).toEqual(bits(one.trajectory));
    const bandit = replayRun(
      parseSpec({ base: { family: 'bandit', features: 'gaussian', N: 5, K: 4, d: 3, B: 2, stepSize: 5, iterations: 20, recordEvery: 5 }, seeds: 2 }),
      0,
    );
    expect(bandit.prompts).toBe(5);
    const mean0 = Array.from(bandit.promptJ.subarray(0, 5)).reduce((a, b) => a + b, 0) / 5;
    expect(Math.abs(mean0 - bandit.trajectory[0])).toBeLessThan(1e-6);
  });

  it('a diverged run: J_q is NaN at the records it never reached, as J is', () => {
    // Plain SGD saturates the softmax long before θ overflows, so the run diverges where its logits already overflow f32: at step 0.
    const spec = parseSpec({ base: { V: 5, d: 4, L: 3, N: 3, B: 3, theta0: [3e38, -3e38, 3e38, -3e38], iterations: 30, recordEvery: 5 }, seeds: 2 });
    for (let run = 0; run < 2; run++) {
      const r = replayRun(spec, run);
      expect(r.diverged).toBe(true);
      expect(r.finalJ).toBeNaN();
      expect(r.promptJ).toHaveLength(r.trajectory.length * 3);
      expect(Array.from(r.trajectory).every(Number.isNaN)).toBe(true);
      expect(Array.from(r.promptJ).every(Number.isNaN)).toBe(true);
    }
  });

  it('refuses a run outside the sweep, naming `run` and the range [0, runs)', () => {
    const spec = promptSpec('exact-match', 2); // 3 cells × 3 seeds
    for (const bad of [-1, 9, 2.5, NaN]) expect(() => replayRun(spec, bad)).toThrow(new RegExp(`run = ${bad}: must be an integer in \\[0, 9\\)`));
    expect(() => replayRun(spec, 8)).not.toThrow();
  });
});
