/**
 * Bakes the published results of the built-in notebooks: resolves each notebook as the page and
 * the CLI do (src/notebook resolveNotebook), runs every sweep cell's published spec (its
 * `publishSeeds`) on the CPU twin in Node and writes notebooks/<name>.results.json with the
 * provenance (seeds, spec hash, package versions, WGSL hash, engine) through the same writer as
 * `gradgap run`. The site shows these until a reader re-runs; Reproduce compares against them.
 *
 *   npm run bake                          # every notebook
 *   npm run bake -- threshold             # only notebooks/threshold.html
 *   npm run bake -- threshold --out DIR   # write DIR/threshold.results.json instead
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';

// webgpu-utils (imported by the engine barrel) names Float16Array at import time; Node 20 lacks it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
const { runSweep } = await import('../src/engine/index.ts');
// The twin on every core, as `gradgap run` spreads it (worker_threads); results do not depend on it.
const { installWebWorker } = await import('../src/cli/node-loader/web-worker.ts');
installWebWorker();
const { resolveNotebook } = await import('../src/notebook/index.ts');
const { bakedResultsText, PROVENANCE_PACKAGES, summarizeSweep } = await import('../src/results/index.ts');
const { bakedProvenance, packageVersions } = await import('../src/cli/provenance-info.ts');

const root = resolve(import.meta.dirname, '..');
const notebooksDir = join(root, 'notebooks');

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
if (outAt >= 0 && !args[outAt + 1]) {
  console.error('--out needs a folder');
  process.exit(2);
}
const outDir = outAt >= 0 ? resolve(args[outAt + 1]) : notebooksDir;
const only = outAt >= 0 ? args.filter((_, i) => i !== outAt && i !== outAt + 1) : args;

// The packages that shape the numbers or the page (not the CLI's hosts: the bake runs none).
const provenance = await bakedProvenance({
  command: 'npm run bake',
  runtime: `node ${process.version} (${process.platform}-${process.arch})`,
  packages: packageVersions(PROVENANCE_PACKAGES),
});

const files = readdirSync(notebooksDir).filter((f) => f.endsWith('.html') && (!only.length || only.includes(basename(f, '.html'))));
if (!files.length) {
  console.error(`no notebook matches ${only.join(', ')}`);
  process.exit(2);
}
for (const file of files) {
  const text = readFileSync(join(notebooksDir, file), 'utf8');
  const nb = resolveNotebook(text, { seeds: 'published' });
  const errors = nb.fileIssues.filter((i) => i.severity === 'error');
  if (errors.length) {
    console.error(`${file}: ${errors.map((i) => `line ${i.line}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  for (const cell of nb.checked) {
    if (cell.kind !== 'sweep' || !cell.issues.length) continue;
    console.error(`${file} #${cell.cell.id}: ${cell.issues.map((i) => `${i.field ?? ''} ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  for (const sweep of nb.sweeps) {
    if (!sweep.specIssues.length) continue;
    console.error(
      `${file} #${sweep.id} with publishSeeds = ${sweep.config.publishSeeds}: ${sweep.specIssues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
    );
    process.exit(2);
  }
  const sweeps: Record<string, Awaited<ReturnType<typeof summarizeSweep>>> = {};
  for (const sweep of nb.sweeps) {
    const t = performance.now();
    const result = await runSweep(sweep.publishedSpec, { backend: 'cpu', threads: availableParallelism() });
    sweeps[sweep.id] = await summarizeSweep(result);
    console.log(`${file} #${sweep.id}: ${result.runs.runCount} runs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const out = join(outDir, file.replace(/\.html$/, '.results.json'));
  writeFileSync(out, await bakedResultsText({ file, text }, provenance, sweeps));
  console.log(`wrote ${out}`);
}
