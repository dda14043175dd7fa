/**
 * Reading a notebook for the command line: the file, its cells checked by the notebook module
 * (sweeps by the engine's validator), and the sweeps to run. Every problem is an InputError
 * (exit 2) that names the file, the line or cell, and the field, before anything runs.
 *
 * @example
 *   const nb = readNotebookFile('notebooks/threshold.html');
 *   nb.sweeps[0].spec; // the published spec (publishSeeds) of the first sweep cell
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  checkCells, parseNotebook, publishedSpecOf, sweepSpecOf,
  type CheckedCell, type Notebook, type PlotCellConfig, type SweepCellConfig, type TheoryCellConfig,
} from '../notebook/index.ts';
import { validateSpec, withDefaults, type SweepSpec } from '../engine/index.ts';
import { InputError } from './cli-error.ts';

/** Which seeds a sweep runs with: the published count (`publishSeeds`, what baked results hold) or the cell's `seeds`. */
export type SeedChoice = 'published' | 'cell';

export interface NotebookSweep {
  id: string; // the sweep cell's id: names its output files
  label: string; // its title, else its id (legends, facets)
  config: SweepCellConfig;
  spec: SweepSpec; // defaults filled; validated
}

export interface NotebookInput {
  path: string;
  name: string; // file name without .html: names the baked-results file
  text: string;
  notebook: Notebook;
  checked: CheckedCell[];
  sweeps: NotebookSweep[];
  plots: { id: string; config: PlotCellConfig }[];
  theories: Map<string, TheoryCellConfig>;
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
  const parsed = parseNotebook(text);
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new InputError(`${path} line ${errors[0].line}: ${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : ''}`);
  const checked = checkCells(parsed.notebook.cells, parsed.cellLines);
  for (const c of checked) {
    const issue = c.issues[0];
    if (!issue) continue;
    const where = issue.line ? ` line ${issue.line}` : '';
    throw new InputError(`${path}${where}: ${c.kind} cell "${c.cell.id}": ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
  }
  const sweeps: NotebookSweep[] = [];
  const plots: NotebookInput['plots'] = [];
  const theories = new Map<string, TheoryCellConfig>();
  for (const c of checked) {
    if (c.kind === 'sweep') {
      const config = c.config as SweepCellConfig;
      const input = seeds === 'published' ? publishedSpecOf(config) : sweepSpecOf(config);
      // checkCells validated the cell's own seeds; publishSeeds can push a sweep past the engine's limits.
      const issue = validateSpec(input)[0];
      if (issue) throw new InputError(`${path}: sweep cell "${c.cell.id}" with publishSeeds = ${config.publishSeeds}: ${issue.field}: ${issue.message}`);
      const spec = withDefaults(input);
      sweeps.push({ id: c.cell.id, label: config.title ?? c.cell.id, config, spec });
    } else if (c.kind === 'plot') plots.push({ id: c.cell.id, config: c.config as PlotCellConfig });
    else if (c.kind === 'theory') theories.set(c.cell.id, c.config as TheoryCellConfig);
  }
  if (sweeps.length === 0) throw new InputError(`${path}: the notebook has no sweep cell (type application/vnd.gradgap.sweep+json); nothing to run`);
  return { path, name: basename(path).replace(/\.html?$/i, ''), text, notebook: parsed.notebook, checked, sweeps, plots, theories };
}
