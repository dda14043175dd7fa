/**
 * replayRun against a WebGPU sweep (SPEC 1.8): two runs of an N = 4, B = 2 token sweep run by
 * sequence.wgsl, replayed on the CPU twin; J(t) agrees within the kernel tests' tolerance and the
 * shares of prompts solved and lost are equal, except at a J_q within float rounding of its
 * threshold (counted and printed).
 */
import { describe, expect, it } from 'vitest';
import { replayRun } from './replay.ts';
import { runSweep } from './run-sweep.ts';
import { newRunRecord } from './run-outputs.ts';
import { RunScratch, simulateRun } from './sequence-cpu.ts';
import { setupRuns } from './setup.ts';
import { expandGrid, parseSpec, recordSteps, type SweepSpec } from '../spec/index.ts';

/** J tolerance of sequence.browser.test.ts: f32 sums and exp differ between kernel and twin in the last bits. */
const J_TOLERANCE = 1e-4;
/** A J_q this close to ½ or to J_q(0)/2 may fall on either side in the kernel's f32 and the twin's. */
const SHARE_TIE = 1e-5;
/** A uniform draw this close to a CDF edge may pick another token on the GPU (sequence.browser.test.ts TIE_MARGIN). */
const TIE_MARGIN = 1e-5;

/** The smallest distance of any of the run's draws to its CDF edge, on the twin: below TIE_MARGIN the GPU's run may part from it. */
function smallestDrawMargin(spec: SweepSpec, run: number): number {
  const { instances, runs } = setupRuns(spec, expandGrid(spec), run, run + 1);
  const r = runs[0];
  const inst = instances[r.instanceId];
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  let smallest = Infinity;
  simulateRun(
    r.cell.params,
    inst,
    r.theta0,
    spec.seed,
    run,
    steps,
    newRunRecord(steps.length),
    new RunScratch(inst, r.cell.params),
    (_s, _j, _t, _b, margin) => {
      smallest = Math.min(smallest, margin);
    },
  );
  return smallest;
}

describe('replayRun against the WebGPU sweep (SPEC 1.8)', () => {
  it('N = 4, B = 2: two replayed runs have the GPU series of J and of the solved and lost shares', async () => {
    const spec = parseSpec({
      base: { family: 'token', features: 'gaussian', reward: 'exact-match', V: 6, d: 4, L: 4, J0: 0.3, G: 4, N: 4, B: 2, iterations: 24, recordEvery: 4 },
      grid: { stepSize: [3, 30] },
      seeds: 3,
      seed: 11,
    });
    const gpu = await runSweep(spec, { backend: 'webgpu' });
    expect(gpu.backend.kind).toBe('webgpu');
    const R = gpu.runs.recordSteps.length;
    const report: string[] = [];
    let ties = 0;
    let sharesCompared = 0;
    let nonzeroShares = 0;
    for (const run of [1, 4]) {
      const replay = replayRun(spec, run);
      const margin = smallestDrawMargin(spec, run);
      const N = replay.prompts;
      let maxJDiff = 0;
      if (margin < TIE_MARGIN) {
        // The streams may part at a float tie; then the runs differ for good and nothing below is comparable.
        report.push(`run ${run}: a draw ${margin.toExponential(1)} from a CDF edge, not compared`);
        continue;
      }
      expect(replay.diverged).toBe(gpu.runs.diverged[run] === 1);
      for (let r = 0; r < R; r++) {
        const at = run * R + r;
        maxJDiff = Math.max(maxJDiff, Math.abs(gpu.runs.trajectory[at] - replay.trajectory[r]));
        expect(Math.abs(gpu.runs.trajectory[at] - replay.trajectory[r]), `J of run ${run} at record ${r}`).toBeLessThanOrEqual(J_TOLERANCE);
        // A tie: some J_q within SHARE_TIE of ½ (solved) or of its J_q(0)/2 (lost).
        const Jq = Array.from(replay.promptJ.subarray(r * N, (r + 1) * N));
        const solvedTie = Jq.some((j) => Math.abs(j - 0.5) < SHARE_TIE);
        const lostTie = r > 0 && Jq.some((j, q) => Math.abs(j - 0.5 * replay.promptJ[q]) < SHARE_TIE);
        for (const [name, tie] of [
          ['solvedShare', solvedTie],
          ['lostShare', lostTie],
        ] as const) {
          sharesCompared++;
          if (replay[name][r] > 0) nonzeroShares++;
          if (tie) ties++;
          if (!tie) expect(gpu.runs[name][at], `${name} of run ${run} at record ${r}`).toBe(replay[name][r]);
        }
      }
      report.push(`run ${run}: max |ΔJ| ${maxJDiff.toExponential(2)}, smallest draw margin ${margin.toExponential(1)}`);
    }
    report.push(`${sharesCompared} shares compared, ${ties} at a J_q within ${SHARE_TIE} of its threshold (not required equal)`);
    console.log(`replayRun vs WebGPU (${gpu.backend.adapter}):\n${report.join('\n')}`);
    expect(sharesCompared).toBeGreaterThan(0); // at least one run had no tie draw
    expect(nonzeroShares).toBeGreaterThan(0); // the shares compared are not all zero
  });
});
