/**
 * The CPU engine for a range of runs of a transformer sweep (SPEC 1.10): each run on the f32 twin
 * (transformer-run.ts), stored through storeTransformerRun. Pure and synchronous, like
 * simulateChunkCpu, which hands transformer sweeps here, so the page's Web Workers and the CLI's
 * worker threads run them unchanged.
 */
import { allocateRunArrays, deriveOutputs, type RunChunk } from './run-outputs.ts';
import { runTransformer, storeTransformerRun, TwinCache } from './transformer-run.ts';
import { expandGrid, recordSteps, type SweepSpec } from '../spec/index.ts';

/** Runs [begin, end) of a transformer sweep on this thread with the twin. */
export function simulateTransformerChunk(spec: SweepSpec, begin: number, end: number): RunChunk {
  const cells = expandGrid(spec);
  const R = recordSteps(spec.base.iterations, spec.base.recordEvery).length;
  const out: RunChunk = { ...allocateRunArrays(end - begin, R), begin, end };
  const twins = new TwinCache();
  for (let run = begin; run < end; run++) {
    const params = cells[Math.floor(run / spec.seeds)].params;
    const result = runTransformer(params, spec.seed, run % spec.seeds, run, twins);
    storeTransformerRun(out, run - begin, R, result, params);
  }
  deriveOutputs(out, R);
  return out;
}
