/**
 * Bakes the published results of the built-in notebooks: runs every sweep cell's published spec
 * (its `publishSeeds`) on the CPU twin in Node and writes notebooks/<name>.results.json with the
 * provenance (seeds, spec hash, package versions, WGSL hash, engine). The site shows these until
 * a reader re-runs; Reproduce compares against them.
 *
 *   npm run bake                 # every notebook
 *   npm run bake -- threshold    # only notebooks/threshold.html
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../src/engine/index.ts');
const { checkCells, parseNotebook, publishedSpecOf } = await import('../src/notebook/index.ts');
const { encodeBaked, summarizeSweep } = await import('../src/results/index.ts');
const { PROVENANCE_PACKAGES, wgslHash } = await import('../src/results/provenance.ts');

const root = resolve(import.meta.dirname, '..');
const notebooksDir = join(root, 'notebooks');
const version = (pkg: string) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

const shaders = readdirSync(join(root, 'shaders'))
  .filter((f) => f.endsWith('.wgsl'))
  .map((name) => ({ name, text: readFileSync(join(root, 'shaders', name), 'utf8') }));
const provenance = {
  packages: {
    gradgap: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string,
    ...Object.fromEntries(PROVENANCE_PACKAGES.map((p) => [p, version(p)])),
  },
  wgslHash: await wgslHash(shaders),
  runtime: `node ${process.version} (${process.platform}-${process.arch})`,
  command: 'npm run bake',
};

const only = process.argv.slice(2);
const files = readdirSync(notebooksDir).filter((f) => f.endsWith('.html') && (!only.length || only.includes(basename(f, '.html'))));
if (!files.length) {
  console.error(`no notebook matches ${only.join(', ')}`);
  process.exit(2);
}
for (const file of files) {
  const text = readFileSync(join(notebooksDir, file), 'utf8');
  const parsed = parseNotebook(text);
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    console.error(`${file}: ${errors.map((i) => `line ${i.line}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const sweeps: Record<string, Awaited<ReturnType<typeof summarizeSweep>>> = {};
  for (const cell of checkCells(parsed.notebook.cells, parsed.cellLines)) {
    if (cell.kind !== 'sweep') continue;
    if (cell.issues.length) {
      console.error(`${file} #${cell.cell.id}: ${cell.issues.map((i) => `${i.field ?? ''} ${i.message}`).join('; ')}`);
      process.exit(2);
    }
    const t = performance.now();
    const result = await runSweep(publishedSpecOf(cell.config as Parameters<typeof publishedSpecOf>[0]), { backend: 'cpu' });
    sweeps[cell.cell.id] = await summarizeSweep(result);
    console.log(`${file} #${cell.cell.id}: ${result.runs.runCount} runs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const out = join(notebooksDir, file.replace(/\.html$/, '.results.json'));
  const notebookHash = createHash('sha256').update(text).digest('hex');
  writeFileSync(out, encodeBaked({ notebook: file, notebookHash, provenance, sweeps }));
  console.log(`wrote ${out}`);
}
