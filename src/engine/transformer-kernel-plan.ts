/**
 * What the transformer's WGSL kernel (transformer-loop.wgsl) runs, and how a sweep's runs are
 * grouped for it — kept apart from the kernel's host so runSweep can check a sweep without
 * loading any GPU code. The kernel takes the one on-policy step per batch with the advantages
 * none, mean and group-std and the fixed-length aggregations; transformerKernelRefusal names any
 * other option, and runSweep refuses backend "webgpu" for such a sweep with that message (auto
 * keeps the twin, which runs every option).
 *
 * @example
 *   transformerKernelRefusal(cells); // null, or { field: 'advantage', message: 'advantage = "rloo" is not in …' }
 *   planTransformerChunks(spec, cells, 0, 1024); // [[0, 256], [256, 512], …], cut where the shape changes
 */
import { isPpoLoop, type Cell, type RunParams, type SweepSpec } from '../spec/index.ts';
import { transformerShape } from './transformer-run.ts';

/** What the kernel runs (transformer-loop.wgsl); everything else runs on the twin. */
const KERNEL_ADVANTAGES: readonly string[] = ['none', 'mean', 'group-std'];
const KERNEL_AGGREGATIONS: readonly string[] = ['seq-sum', 'seq-mean-token-mean', 'token-mean', 'constant'];

/** Runs a chunk holds at most: enough threads to fill a GPU's cores, few enough to keep one dispatch short. */
export const TRANSFORMER_CHUNK_RUNS = 256;

/** Why the WGSL kernel cannot run these cells (the first option it lacks, by field), or null. */
export function transformerKernelRefusal(cells: readonly Cell[]): { field: keyof RunParams; message: string } | null {
  const why = (field: keyof RunParams, value: unknown, allowed: string) => ({
    field,
    message: `${field} = ${JSON.stringify(value)} is not in the transformer's WGSL kernel (${allowed}); use backend "auto" or "cpu" (the CPU twin runs every option)`,
  });
  for (const { params: p } of cells) {
    if (!KERNEL_ADVANTAGES.includes(p.advantage)) return why('advantage', p.advantage, `it takes ${KERNEL_ADVANTAGES.join(', ')}`);
    if (!KERNEL_AGGREGATIONS.includes(p.aggregation)) return why('aggregation', p.aggregation, `it takes ${KERNEL_AGGREGATIONS.join(', ')}`);
    if (isPpoLoop(p))
      return why(p.ppoEpochs !== 1 ? 'ppoEpochs' : p.miniBatches !== 1 ? 'miniBatches' : 'klCoef', 'the PPO loop', 'one on-policy step per batch, klCoef 0');
    if (p.eos) return why('eos', true, 'responses of the task’s fixed length');
  }
  return null;
}

/** Runs of one shape, task and loop length can share a dispatch. */
function chunkKey(p: RunParams): string {
  const s = transformerShape(p);
  return [s.V, s.d, s.T, s.layers, s.heads, p.task, p.promptLength, p.iterations, p.recordEvery].join('|');
}

/** Consecutive runs of [begin, end) cut where the chunk key changes or a chunk is full. */
export function planTransformerChunks(
  spec: SweepSpec,
  cells: readonly Cell[],
  begin: number,
  end: number,
  chunkRuns = TRANSFORMER_CHUNK_RUNS,
): [number, number][] {
  const out: [number, number][] = [];
  let start = begin;
  for (let run = begin + 1; run <= end; run++) {
    const full = run - start >= chunkRuns;
    const cut = run === end || full || chunkKey(cells[Math.floor(run / spec.seeds)].params) !== chunkKey(cells[Math.floor(start / spec.seeds)].params);
    if (cut) {
      out.push([start, run]);
      start = run;
    }
  }
  return out;
}
