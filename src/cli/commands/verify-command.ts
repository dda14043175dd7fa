/**
 * `gradgap verify NOTEBOOK [--baked FILE]`: re-runs every sweep of the notebook with its
 * published seeds and compares with the baked results (NOTEBOOK.results.json beside it, or
 * --baked, e.g. the file `gradgap run` wrote). The comparison is the page's Reproduce check
 * (src/results/compare.ts): bit for bit when the adapter kind matches, within sampling error
 * otherwise, and it says which. Everything the page shows from the baked file is compared: spec,
 * seeds, run count, every per-run array, the cell statistics and the bands. Without --backend,
 * sweeps baked on the CPU twin (as `npm run bake` does) are re-run on it, so the check is bit for
 * bit. A baked file of another notebook is refused (exit 2). Exit 0 when every sweep matches, 1
 * with each difference named (sweep, field, cell or run).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BakedFormatError, compareWithBaked, decodeBaked, summarizeSweep, type BakedNotebook } from '../../results/index.ts';
import type { BackendChoice } from '../../engine/index.ts';
import type { ParsedArgs } from '../args.ts';
import { excerpt, excerptList } from '../../spec/index.ts';
import { InputError } from '../cli-error.ts';
import { readInputFile } from '../input-file.ts';
import { openHost, type HostName } from '../hosts/host.ts';
import { readNotebookFile, type NotebookSweep } from '../notebook-input.ts';
import { pathDifferences, PATH_TOLERANCE } from '../path-differences.ts';
import { runNotebookSweeps, threadsFlag } from './run-command.ts';

function readBaked(path: string): BakedNotebook {
  if (!existsSync(path))
    throw new InputError(
      `${path}: no baked results to verify against (bake them with npm run bake, or gradgap run … --out DIR and --baked DIR/<name>.results.json)`,
    );
  const text = readInputFile(path, 'baked'); // the read rule (input-file.ts): a regular file, within the baked-file limit
  try {
    return decodeBaked(text);
  } catch (error) {
    throw new InputError(`${path}: ${error instanceof BakedFormatError ? error.message : `unreadable: ${excerpt((error as Error).message, 120)}`}`);
  }
}

/** A baked file names its notebook and holds its sweeps: refuse one that is another notebook's. */
function refuseOtherNotebook(baked: BakedNotebook, bakedPath: string, name: string, sweepIds: string[]): void {
  const bakedName = baked.notebook.replace(/^.*[\\/]/, '').replace(/\.html?$/i, '');
  if (bakedName !== name)
    throw new InputError(
      `${bakedPath}: holds the baked results of notebook "${excerpt(String(baked.notebook))}", not of "${name}.html"; refusing to compare another notebook's results`,
    );
  const ids = Object.keys(baked.sweeps);
  if (!ids.some((id) => sweepIds.includes(id))) {
    throw new InputError(
      `${bakedPath}: none of its sweeps (${excerptList(ids.map((id) => `#${id}`)) || 'none'}) is a sweep cell of ${name}.html (${sweepIds.map((id) => `#${id}`).join(', ')}); these are another notebook's results`,
    );
  }
}

export async function verifyCommand(args: ParsedArgs): Promise<number> {
  const path = args.positional[0];
  const nb = readNotebookFile(path, 'published');
  const bakedPath = (args.flags.baked as string | undefined) ?? path.replace(/\.html?$/i, '') + '.results.json';
  const baked = readBaked(bakedPath);
  refuseOtherNotebook(
    baked,
    bakedPath,
    nb.name,
    nb.sweeps.map((s) => s.id),
  );
  const threads = threadsFlag(args.flags.threads);
  const problems: string[] = [];
  const notes: string[] = [];
  const notebookHash = createHash('sha256').update(nb.text).digest('hex');
  if (baked.notebookHash && baked.notebookHash !== notebookHash)
    notes.push(`note: ${path} was edited since baking (its text hash differs); its sweeps are checked one by one below`);
  for (const id of Object.keys(baked.sweeps)) {
    if (!nb.sweeps.some((s) => s.id === id))
      problems.push(
        `#${excerpt(id)}: in ${bakedPath} but not a sweep cell of ${path}; the page would never show it, so the file is not this notebook's as baked`,
      );
  }
  // A sweep missing from the baked file, or whose spec changed since baking, cannot be compared:
  // say so rather than run it.
  const comparable: NotebookSweep[] = [];
  for (const sweep of nb.sweeps) {
    const old = await nb.bakedFor(sweep.id, baked);
    if (!old) problems.push(`#${sweep.id}: not in ${bakedPath}`);
    else if (!old.ofPublishedSpec)
      problems.push(
        `#${sweep.id}: the notebook's spec changed since baking (baked ${old.summary.specHash.slice(0, 12)}…, now ${old.publishedHash.slice(0, 12)}…); re-bake`,
      );
    else comparable.push(sweep);
  }
  // Re-run where the bake ran: on the CPU twin when every sweep was baked there, so that the
  // check can be bit for bit; --backend chooses otherwise.
  const backend = (args.flags.backend as BackendChoice | undefined) ?? (comparable.every((s) => baked.sweeps[s.id].backend.kind === 'cpu') ? 'cpu' : 'auto');
  const host = await openHost((args.flags.host as HostName | undefined) ?? 'dawn');
  let results;
  try {
    // A baked file holds no per-run series (only finals, bands and the J(t) hash), so none is kept: memory bounded as for gradgap run.
    results = await runNotebookSweeps({ ...nb, sweeps: comparable }, host, {
      backend,
      threads,
      shard: null,
      quiet: Boolean(args.flags.quiet),
      keepSeries: false,
    });
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
    const pathNote =
      report.kind === 'statistical'
        ? ` ${paths.differing} of ${paths.runs} runs took another path (final J apart by more than ${PATH_TOLERANCE}; ${(paths.rate * 100).toFixed(2)}%).`
        : '';
    lines.push(`#${sweep.id}: ${report.summary}${pathNote}`);
    // Every difference on its own line: which field, and which cell, run or step.
    if (!report.ok) problems.push(`#${sweep.id}: ${report.headline}${report.differences.map((d) => `\n  #${sweep.id} ${d}`).join('')}`);
  }
  process.stdout.write(`${[...notes, ...lines].join('\n')}${notes.length + lines.length ? '\n' : ''}`);
  if (problems.length) {
    process.stdout.write(`${problems.map((p) => `MISMATCH ${p}`).join('\n')}\n`);
    const failed = new Set(problems.map((p) => p.slice(0, p.indexOf(':')))).size;
    process.stderr.write(
      `gradgap: verify failed: ${failed} of ${new Set([...nb.sweeps.map((s) => s.id), ...Object.keys(baked.sweeps)]).size} sweeps do not match ${bakedPath}\n`,
    );
    return 1;
  }
  process.stdout.write(`verified: ${nb.sweeps.length} sweeps of ${path} match ${bakedPath}\n`);
  return 0;
}
