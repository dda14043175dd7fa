/**
 * The CPU engine for a range of runs: setup, then the CPU twin run by run. Pure and synchronous,
 * so a Web Worker, a Node worker thread or a test can call it alike.
 */
import { RunScratch, simulateRun, type RunRecord } from './sequence-cpu.ts';
import { setupRuns } from './setup.ts';
import { expandGrid, recordSteps, type SweepSpec } from './spec.ts';

/** Outputs of runs [begin, end), laid out as in RunOutputs (trajectory = [run][record]). */
export interface ChunkOutputs {
  begin: number;
  end: number;
  initialJ: Float32Array;
  finalJ: Float32Array;
  minJ: Float32Array;
  diverged: Uint8Array;
  trajectory: Float32Array;
  thetaNorm: Float32Array;
  gradientNorm: Float32Array;
}

export function allocateChunk(begin: number, end: number, records: number): ChunkOutputs {
  const n = end - begin;
  return {
    begin,
    end,
    initialJ: new Float32Array(n),
    finalJ: new Float32Array(n),
    minJ: new Float32Array(n),
    diverged: new Uint8Array(n),
    trajectory: new Float32Array(n * records),
    thetaNorm: new Float32Array(n * records),
    gradientNorm: new Float32Array(n * records),
  };
}

/** Runs [begin, end) of the sweep on this thread with the CPU twin. */
export function simulateChunkCpu(spec: SweepSpec, begin: number, end: number): ChunkOutputs {
  const cells = expandGrid(spec);
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const R = steps.length;
  const out = allocateChunk(begin, end, R);
  const { instances, runs } = setupRuns(spec, cells, begin, end);
  const scratch = new Map<string, RunScratch>();
  runs.forEach((r, i) => {
    const inst = instances[r.instanceId];
    const p = r.cell.params;
    const key = `${inst.P}|${inst.K}|${inst.d}|${inst.L}|${p.B}|${p.G}`;
    let s = scratch.get(key);
    if (!s) scratch.set(key, (s = new RunScratch(inst, p)));
    const record: RunRecord = {
      finalJ: 0,
      minJ: 0,
      diverged: false,
      trajectory: out.trajectory.subarray(i * R, (i + 1) * R),
      thetaNorm: out.thetaNorm.subarray(i * R, (i + 1) * R),
      gradientNorm: out.gradientNorm.subarray(i * R, (i + 1) * R),
    };
    simulateRun(p, inst, r.theta0, spec.seed, r.run, steps, record, s);
    out.initialJ[i] = record.trajectory[0];
    out.finalJ[i] = record.finalJ;
    out.minJ[i] = record.minJ;
    out.diverged[i] = record.diverged ? 1 : 0;
  });
  return out;
}
