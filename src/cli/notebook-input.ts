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
import { basename, dirname, join } from 'node:path';
import { analyzeLogs, isTensorBoardName, LogInputError, type LogsAnalysis } from '../logs/index.ts';
import {
  logsAnalysisOptions,
  logsCellFileNames,
  resolveNotebook,
  type LogsCellConfig,
  type ResolvedNotebook,
  type ResolvedSweep,
  type SeedChoice,
} from '../notebook/index.ts';
import { excerpt } from '../spec/index.ts';
import { InputError } from './cli-error.ts';
import { readInputBytes, readInputFile } from './input-file.ts';

export type { SeedChoice };

/** A sweep the command runs: `spec` is the one the seed choice picked (a merge sets it to what its shards ran). */
export type NotebookSweep = ResolvedSweep;

export interface NotebookInput extends ResolvedNotebook {
  path: string;
  name: string; // file name without .html: names the baked-results file
  text: string;
  logsFiles: Map<string, { name: string; text: string }[]>; // each logs cell's files as read (name: the path the cell gives)
  logsResults: Map<string, LogsAnalysis>; // each logs cell's runs, summaries and critical learning rate
}

/** Top-level names of the output folder a data file may not take (it is copied beside notebook.html). */
const RESERVED = ['sweeps', 'plots', 'logs', 'notebook.html', 'provenance.json'];

/**
 * Reads a logs cell's files relative to the notebook and analyzes them; InputError naming the
 * cell, the file and the reason. Each file by the read rule (input-file.ts): a regular file that
 * stays inside the notebook's folder once symlinks are followed, within the logs-file limit.
 * `cache` holds the files read so far: two cells naming one file read it once and see one text.
 */
function readLogsCell(
  path: string,
  id: string,
  config: LogsCellConfig,
  cache: Map<string, string>,
): { files: { name: string; text: string }[]; analysis: LogsAnalysis } {
  const where = `${path}: logs cell "${id}"`;
  const read = (name: string, field: string) => {
    if (RESERVED.includes(name.split('/')[0]) || name.endsWith('.results.json'))
      throw new InputError(`${where}: ${field} = "${name}": that path is a gradgap output name; keep data files in a folder such as data/`);
    let text = cache.get(name);
    if (text === undefined) {
      const bytes = readInputBytes(join(dirname(path), name), 'logs', { inside: dirname(path), label: `${where}: ${field} = "${name}"` });
      // A TensorBoard event file is bytes: read as a binary string (one char per byte), as the readers take it.
      text = bytes.toString(isTensorBoardName(name) ? 'latin1' : 'utf8');
      cache.set(name, text);
    }
    return { name, text };
  };
  const { configs } = logsCellFileNames(config);
  const files = config.files.map((name, i) => read(name, `files[${i}]`));
  // Config files are copied beside the logs (logsFiles), so a merge of shards reads the same settings.
  const configFiles = configs.map((name) => read(name, 'fileSettings config'));
  try {
    const options = logsAnalysisOptions(config, new Map(configFiles.map((f) => [f.name, f.text])));
    return { files: [...files, ...configFiles], analysis: analyzeLogs(files, options) };
  } catch (error) {
    if (error instanceof LogInputError) throw new InputError(`${where}: ${error.message}`);
    throw error;
  }
}

/** Reads and checks a notebook file; InputError on any problem. */
export function readNotebookFile(path: string, seeds: SeedChoice = 'published'): NotebookInput {
  return notebookFromText(path, readInputFile(path, 'notebook'), seeds);
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
    throw new InputError(`${path}${where}: ${c.kind} cell "${excerpt(c.cell.id)}": ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
  }
  for (const sweep of nb.sweeps) {
    const issue = sweep.specIssues[0];
    if (issue) throw new InputError(`${path}: sweep cell "${sweep.id}" with publishSeeds = ${sweep.config.publishSeeds}: ${issue.field}: ${issue.message}`);
  }
  if (nb.sweeps.length === 0 && nb.logs.size === 0)
    throw new InputError(`${path}: the notebook has no sweep cell (type application/vnd.gradgap.sweep+json); nothing to run`);
  const logsFiles = new Map<string, { name: string; text: string }[]>();
  const logsResults = new Map<string, LogsAnalysis>();
  const read = new Map<string, string>();
  for (const [id, config] of nb.logs) {
    const cell = readLogsCell(path, id, config, read);
    logsFiles.set(id, cell.files);
    logsResults.set(id, cell.analysis);
  }
  return { ...nb, path, name: basename(path).replace(/\.html?$/i, ''), text, logsFiles, logsResults };
}
