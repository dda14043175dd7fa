// Times the transformer twin on W3 (scripts/w3-workload.json), one thread, median of repetitions,
// so a speed edit can be measured against the code before it in the same sitting:
//   npx tsx scripts/bench-twin.ts [--root DIR] [--runs 4] [--reps 5]
// --profile FILE: writes a V8 CPU profile of the repetitions (open in Chrome DevTools or speedscope).
// --root: a checkout whose src/ is timed (e.g. `git archive <commit> src | tar -x -C DIR`); default this one.
// Each repetition: `runs` runs, each an untimed 20-step SFT (lr 0.03) then 10 timed GRPO iterations.
// Prints the median run-steps/s, the load average, and a digest of the final θ (same digest = same results).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const root = resolve(arg('root', new URL('..', import.meta.url).pathname));
const runs = Number(arg('runs', '4'));
const reps = Number(arg('reps', '5'));
const at = (p: string) => import(pathToFileURL(resolve(root, p)).href);
const { trainTransformerGrpo } = await at('src/engine/transformer-grpo.ts');
const { supervisedWarmStart } = await at('src/engine/transformer-sft.ts');
const M = await at('src/model/index.ts');
const { DEFAULT_RUN, taskResponseLength } = await at('src/spec/index.ts');

const w = JSON.parse(readFileSync(new URL('./w3-workload.json', import.meta.url), 'utf8'));
const m = taskResponseLength(w.task, w.promptLength);
const model = M.transformerModel({ V: w.V, d: w.d, T: w.promptLength + m, layers: w.layers, heads: w.heads }, M.F32);
const twin = new M.TransformerTwin(model);
const profile = arg('profile', '');
const session = new Session();
if (profile) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const rates: number[] = [];
const loads: number[] = [];
let digest = '';
for (let rep = 0; rep < reps; rep++) {
  const hash = createHash('sha256');
  let seconds = 0;
  for (let run = 0; run < runs; run++) {
    const set = M.makeTaskSet({ task: w.task, V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 0 }, 1, run);
    const theta = M.initialParameters(model.layout, 1, run);
    supervisedWarmStart(twin, theta, set, { J0: 1, sftLearningRate: 0.03, sftMaxSteps: 20 });
    const t0 = performance.now();
    trainTransformerGrpo(twin, theta, set, { ...DEFAULT_RUN, ...w, recordEvery: w.iterations, seed: 1, run });
    seconds += (performance.now() - t0) / 1000;
    hash.update(new Uint8Array(theta.buffer));
  }
  rates.push((runs * w.iterations) / seconds);
  loads.push(loadavg()[0]);
  digest = hash.digest('hex').slice(0, 16);
}
if (profile) writeFileSync(profile, JSON.stringify((await session.post('Profiler.stop')).profile));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `${root}: median ${median(rates).toFixed(1)} run-steps/s (reps ${rates.map((r) => r.toFixed(1)).join(', ')}); load avg ${loads.map((l) => l.toFixed(2)).join(', ')}; θ digest ${digest}`,
);
