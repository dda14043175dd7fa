// W3 (scripts/w3-workload.json) on the transformer's CPU twin, one thread, in-process:
//   npx tsx scripts/w3-twin.ts [runs]      (default 8 runs: the twin is timed per run-step)
// Each run: its own θ0 and prompts, an untimed SFT warm start to J0, then the timed GRPO
// iterations. Prints run-steps/s and sampled tokens/s (B·G·m tokens a run-step), and Σ final J so a
// speed change can be seen not to be a change of results. On all cores, next to PyTorch: `gradgap bench --workload W3`.
import { readFileSync } from 'node:fs';
import { trainTransformerGrpo } from '../src/engine/transformer-grpo.ts';
import { supervisedWarmStart } from '../src/engine/transformer-sft.ts';
import { F32, TransformerTwin, initialParameters, makeTaskSet, transformerModel } from '../src/model/index.ts';
import { DEFAULT_RUN, taskResponseLength } from '../src/spec/index.ts';

const w = JSON.parse(readFileSync(new URL('./w3-workload.json', import.meta.url), 'utf8'));
const runs = Number(process.argv[2] ?? 8);
const m = taskResponseLength(w.task, w.promptLength);
const model = transformerModel({ V: w.V, d: w.d, T: w.promptLength + m, layers: w.layers, heads: w.heads }, F32);
const twin = new TransformerTwin(model);
let seconds = 0;
let finalJ = 0;
let reached = 0;
for (let run = 0; run < runs; run++) {
  const set = makeTaskSet({ task: w.task, V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 0 }, 1, run);
  const theta = initialParameters(model.layout, 1, run);
  if (supervisedWarmStart(twin, theta, set, w).reached) reached++;
  const t0 = performance.now();
  const out = trainTransformerGrpo(twin, theta, set, { ...DEFAULT_RUN, ...w, recordEvery: w.iterations, seed: 1, run });
  seconds += (performance.now() - t0) / 1000;
  finalJ += out.J[out.J.length - 1];
}
const steps = runs * w.iterations;
console.log(
  `W3 twin (1 thread): ${runs} runs × ${w.iterations} iterations in ${seconds.toFixed(2)} s: ${(steps / seconds).toFixed(1)} run-steps/s, ${((steps * w.B * w.G * m) / seconds).toFixed(0)} tokens/s; SFT reached J0 ${reached}/${runs}; Σ final J ${finalJ.toFixed(4)}`,
);
