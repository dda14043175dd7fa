/**
 * One run of a sweep replayed on the CPU twin, with J_q of every prompt at its recorded steps
 * (SPEC 1.8). J_q per prompt is not a sweep output: that would multiply every sweep's memory and
 * baked size by N. A run is instead recomputed from the spec alone: run = cell·seeds + seed, and
 * every random draw is keyed by (run, step, …), so the twin over this one run reproduces the
 * sweep's run bit for bit (a WebGPU sweep's to f32 rounding, apart from rare float ties).
 *
 * @example
 *   const replayed = replayRun(spec, 5);
 *   replayed.promptJ[r * replayed.prompts + q]; // J_q at recordSteps[r]
 */
import { allocateRunArrays, deriveOutputs, runRecordAt, storeRunRecord } from './run-outputs.ts';
import { RunScratch, simulateRun } from './sequence-cpu.ts';
import { setupRuns } from './setup.ts';
import { cellCount, expandGrid, recordSteps, type SweepSpec } from '../spec/index.ts';

/** A replayed run: its series as the sweep records them, and J_q per prompt at the same steps. */
export interface ReplayedRun {
  run: number;
  cell: number;
  seed: number; // run = cell·seeds + seed
  recordSteps: number[];
  prompts: number; // N (token prompts), or P for bandits, 1 for one prompt
  promptJ: Float32Array; // [record · prompts + q]: J_q at each recorded step (NaN after a divergence)
  trajectory: Float32Array; // J at each recorded step, as the sweep records it
  solvedShare: Float32Array;
  lostShare: Float32Array;
  finalJ: number;
  diverged: boolean;
}

/** Replays run `run` of a parsed sweep on the CPU twin; throws when `run` is not one of its runs. */
export function replayRun(spec: SweepSpec, run: number): ReplayedRun {
  const total = cellCount(spec) * spec.seeds;
  if (!Number.isInteger(run) || run < 0 || run >= total) {
    throw new RangeError(`run = ${run}: must be an integer in [0, ${total}) (the sweep's runs, cells × seeds = ${cellCount(spec)} × ${spec.seeds})`);
  }
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const R = steps.length;
  // The sweep's own setup for this run: its cell's parameters, instance and θ0 (cpu-chunk.ts does the same per chunk).
  const { instances, runs } = setupRuns(spec, expandGrid(spec), run, run + 1);
  const r = runs[0];
  const inst = instances[r.instanceId];
  const p = r.cell.params;
  const prompts = inst.rewardKind === 0 ? inst.P : inst.prompts; // as the twin counts the shares over them
  const promptJ = new Float32Array(R * prompts).fill(NaN); // records a diverged run never reached stay NaN
  const arrays = allocateRunArrays(1, R);
  const record = runRecordAt(arrays, 0, R);
  simulateRun(p, inst, r.theta0, spec.seed, run, steps, record, new RunScratch(inst, p), undefined, undefined, (rec, q, Jq) => {
    promptJ[rec * prompts + q] = Jq;
  });
  storeRunRecord(arrays, 0, record);
  deriveOutputs(arrays, R);
  return {
    run,
    cell: Math.floor(run / spec.seeds),
    seed: run % spec.seeds,
    recordSteps: steps,
    prompts,
    promptJ,
    trajectory: arrays.trajectory,
    solvedShare: arrays.solvedShare,
    lostShare: arrays.lostShare,
    finalJ: arrays.finalJ[0],
    diverged: arrays.diverged[0] === 1,
  };
}
