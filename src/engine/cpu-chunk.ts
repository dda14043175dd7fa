/**
 * The CPU engine for a range of runs: setup, then the CPU twin run by run. Pure and synchronous,
 * so a Web Worker, a Node worker thread or a test can call it alike.
 */
import { allocateRunArrays, deriveOutputs, runRecordAt, storeRunRecord, type RunChunk } from './run-outputs.ts';
import { RunScratch, simulateRun } from './sequence-cpu.ts';
import { setupRuns } from './setup.ts';
import { simulateTransformerChunk } from './transformer-chunk.ts';
import { expandGrid, isTransformer, recordSteps, type SweepSpec } from '../spec/index.ts';

/** Runs [begin, end) of the sweep on this thread with the CPU twin (a transformer sweep's with its own twin: one policy a sweep). */
export function simulateChunkCpu(spec: SweepSpec, begin: number, end: number): RunChunk {
  if (isTransformer(spec.base)) return simulateTransformerChunk(spec, begin, end);
  const cells = expandGrid(spec);
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const R = steps.length;
  const out: RunChunk = { ...allocateRunArrays(end - begin, R), begin, end };
  const { instances, runs } = setupRuns(spec, cells, begin, end);
  const scratch = new Map<string, RunScratch>();
  runs.forEach((r, i) => {
    const inst = instances[r.instanceId];
    const p = r.cell.params;
    const key = `${inst.P}|${inst.K}|${inst.d}|${inst.L}|${p.B}|${p.G}`;
    let s = scratch.get(key);
    if (!s) scratch.set(key, (s = new RunScratch(inst, p)));
    const record = runRecordAt(out, i, R);
    simulateRun(p, inst, r.theta0, spec.seed, r.run, steps, record, s);
    storeRunRecord(out, i, record);
  });
  deriveOutputs(out, R);
  return out;
}
