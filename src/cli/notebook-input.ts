/**
 * Reading a notebook for the command line: the file, resolved by the notebook module's
 * `resolveNotebook` (as the page and the bake script do), and the sweeps to run. Every problem
 * is an InputError (exit 2) that names the file, the line or cell, and the field, before
 * anything runs.
 *
 * @example
 *   const nb = readNotebookFile('notebooks/threshold.html');
 *   nb.sweeps[0].spec; // the published spec (publishSeeds) of the first sweep cell
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { resolveNotebook, type ResolvedNotebook, type ResolvedSweep, type SeedChoice } from '../notebook/index.ts';
import { InputError } from './cli-error.ts';

export type { SeedChoice };

/** A sweep the command runs: `spec` is the one the seed choice picked (a merge sets it to what its shards ran). */
export type NotebookSweep = ResolvedSweep;

export interface NotebookInput extends ResolvedNotebook {
  path: string;
  name: string; // file name without .html: names the baked-results file
  text: string;
}

/** Reads and checks a notebook file; InputError on any problem. */
export function readNotebookFile(path: string, seeds: SeedChoice = 'published'): NotebookInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${(error as Error).message})`);
  }
  return notebookFromText(path, text, seeds);
}

export function notebookFromText(path: string, text: string, seeds: SeedChoice = 'published'): NotebookInput {
  const nb = resolveNotebook(text, { seeds });
  const errors = nb.fileIssues.filter((i) => i.severity === 'error');
  if (errors.length)
    throw new InputError(`${path} line ${errors[0].line}: ${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : ''}`);
  for (const c of nb.checked) {
    const issue = c.issues[0];
    if (!issue) continue;
    const where = issue.line ? ` line ${issue.line}` : '';
    throw new InputError(`${path}${where}: ${c.kind} cell "${c.cell.id}": ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
  }
  for (const sweep of nb.sweeps) {
    const issue = sweep.specIssues[0];
    if (issue) throw new InputError(`${path}: sweep cell "${sweep.id}" with publishSeeds = ${sweep.config.publishSeeds}: ${issue.field}: ${issue.message}`);
  }
  if (nb.sweeps.length === 0) throw new InputError(`${path}: the notebook has no sweep cell (type application/vnd.gradgap.sweep+json); nothing to run`);
  return { ...nb, path, name: basename(path).replace(/\.html?$/i, ''), text };
}
