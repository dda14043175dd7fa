// Checks that scripts/w3-torch.py's model is the twin's model (SPEC 1.10), so W3's ratio compares
// like with like: the twin's θ (W3's shape, GPT-2 init scaled up so every nonlinearity matters) and
// a few token sequences go to the PyTorch script's --check mode, and its float64 log π must match
// the twin's f32 log π at every position to f32 tolerance.
//   npx tsx scripts/w3-torch-check.ts        (needs Debian's python3-torch; PYTHON overrides /usr/bin/python3)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F32, TransformerActivations, forwardSequence, initialParameters, transformerModel } from '../src/model/index.ts';
import { taskResponseLength } from '../src/spec/index.ts';

const w = JSON.parse(readFileSync(new URL('./w3-workload.json', import.meta.url), 'utf8'));
const shape = { V: w.V, d: w.d, T: w.promptLength + taskResponseLength(w.task, w.promptLength), layers: w.layers, heads: w.heads };
const model = transformerModel(shape, F32);
const acts = new TransformerActivations(model);
const dir = mkdtempSync(join(tmpdir(), 'w3-check-'));
let worst = 0;
for (let seedIndex = 0; seedIndex < 4; seedIndex++) {
  const theta = initialParameters(model.layout, 7, seedIndex).map((x) => x * 20);
  const tokens = Array.from({ length: shape.T }, (_, i) => (seedIndex * 7 + i * 5 + i * i) % shape.V);
  forwardSequence(model, theta, tokens, shape.T, 0, acts);
  const file = join(dir, `check-${seedIndex}.json`);
  writeFileSync(file, JSON.stringify({ shape, theta: Array.from(theta), tokens }));
  const torch: number[][] = JSON.parse(
    execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [new URL('./w3-torch.py', import.meta.url).pathname, '--check', file], { encoding: 'utf8' }),
  );
  for (let p = 0; p < shape.T; p++)
    for (let v = 0; v < shape.V; v++) worst = Math.max(worst, Math.abs(torch[p][v] - acts.logp[p * shape.V + v]) / Math.max(1, Math.abs(torch[p][v])));
}
const ok = worst < 1e-4;
console.log(
  `W3 PyTorch model vs the twin: largest log π difference ${worst.toExponential(2)} (relative, f32 twin vs float64 torch) over 4 parameter draws × ${shape.T} positions: ${ok ? 'the same model' : 'DIFFERENT MODELS'}`,
);
process.exitCode = ok ? 0 : 1;
