/**
 * `gradgap verify NOTEBOOK [--baked FILE]`: re-runs every sweep of the notebook with its
 * published seeds and compares with the baked results (NOTEBOOK.results.json beside it, or
 * --baked, e.g. the file `gradgap run` wrote). The comparison is the page's Reproduce check
 * (src/results/compare.ts): bit for bit when the adapter kind matches, within sampling error
 * otherwise, and it says which. Exit 0 when every sweep matches, 1 with a diff summary.
 */
import { readFileSync } from 'node:fs';
import { BakedFormatError, compareWithBaked, decodeBaked, summarizeSweep, type BakedNotebook } from '../../results/index.ts';
import { specHash, type BackendChoice } from '../../engine/index.ts';
import type { ParsedArgs } from '../args.ts';
import { InputError } from '../cli-error.ts';
import { openHost, type HostName } from '../hosts/host.ts';
import { readNotebookFile, type NotebookSweep } from '../notebook-input.ts';
import { pathDifferences, PATH_TOLERANCE } from '../path-differences.ts';
import { runNotebookSweeps, threadsFlag } from './run-command.ts';

function readBaked(path: string): BakedNotebook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`${path}: no baked results to verify against (bake them with npm run bake, or gradgap run … --out DIR and --baked DIR/<name>.results.json)`);
  }
  try {
    return decodeBaked(text);
  } catch (error) {
    throw new InputError(`${path}: ${error instanceof BakedFormatError ? error.message : `unreadable: ${(error as Error).message}`}`);
  }
}

export async function verifyCommand(args: ParsedArgs): Promise<number> {
  const path = args.positional[0];
  const nb = readNotebookFile(path, 'published');
  const bakedPath = (args.flags.baked as string | undefined) ?? path.replace(/\.html?$/i, '') + '.results.json';
  const baked = readBaked(bakedPath);
  const threads = threadsFlag(args.flags.threads);
  const problems: string[] = [];
  // A sweep missing from the baked file, or whose spec changed since baking, cannot be compared:
  // say so rather than run it.
  const comparable: NotebookSweep[] = [];
  for (const sweep of nb.sweeps) {
    const old = baked.sweeps[sweep.id];
    const hash = await specHash(sweep.spec);
    if (!old) problems.push(`#${sweep.id}: not in ${bakedPath}`);
    else if (old.specHash !== hash) problems.push(`#${sweep.id}: the notebook's spec changed since baking (baked ${old.specHash.slice(0, 12)}…, now ${hash.slice(0, 12)}…); re-bake`);
    else comparable.push(sweep);
  }
  const host = await openHost((args.flags.host as HostName | undefined) ?? 'dawn');
  let results;
  try {
    results = await runNotebookSweeps({ ...nb, sweeps: comparable }, host, { backend: (args.flags.backend as BackendChoice | undefined) ?? 'auto', threads, shard: null, quiet: Boolean(args.flags.quiet) });
  } finally {
    await host.close();
  }
  const lines: string[] = [];
  for (const sweep of comparable) {
    const fresh = await summarizeSweep(results.get(sweep.id)!);
    const old = baked.sweeps[sweep.id];
    const report = compareWithBaked(old, fresh);
    // Across adapter kinds, also say how many runs sampled other tokens (not just other last bits).
    const paths = pathDifferences(old, fresh);
    const pathNote = report.kind === 'statistical' ? ` ${paths.differing} of ${paths.runs} runs took another path (final J apart by more than ${PATH_TOLERANCE}; ${(paths.rate * 100).toFixed(2)}%).` : '';
    lines.push(`#${sweep.id}: ${report.summary}${pathNote}`);
    if (!report.ok) problems.push(`#${sweep.id}: ${report.summary}`);
  }
  process.stdout.write(`${lines.join('\n')}${lines.length ? '\n' : ''}`);
  if (problems.length) {
    process.stdout.write(`${problems.map((p) => `MISMATCH ${p}`).join('\n')}\n`);
    process.stderr.write(`gradgap: verify failed: ${problems.length} of ${nb.sweeps.length} sweeps do not match ${bakedPath}\n`);
    return 1;
  }
  process.stdout.write(`verified: ${nb.sweeps.length} sweeps of ${path} match ${bakedPath}\n`);
  return 0;
}
