/**
 * For the tests of the file rules (escape-paths.test.ts, input-file.test.ts): the CLI's entry
 * point run in this process (main.ts, as bin/gradgap.mjs calls it; no child process, so no
 * per-case start-up and nothing that races the clock), a sentinel folder whose every file is
 * listed before and after, and small notebooks to put in it.
 */
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradgapInProcess as harnessInProcess, type CliRun } from './cli-harness.ts';

/** An environment variable whose value must never reach stderr: a test sets it, then looks for it. */
export const SECRET_NAME = 'SECRET_XYZ';
export const SECRET_VALUE = 'hunter2-do-not-echo-7c1f9a';

/** Runs `gradgap ARGS` in this process (cli-harness's gradgapInProcess), with SECRET_XYZ set for the run. */
export async function gradgapInProcess(args: string[]): Promise<CliRun> {
  const before = process.env[SECRET_NAME];
  process.env[SECRET_NAME] = SECRET_VALUE;
  try {
    return await harnessInProcess(args);
  } finally {
    if (before === undefined) delete process.env[SECRET_NAME];
    else process.env[SECRET_NAME] = before;
  }
}

/** A fresh sentinel folder: everything a test makes lives under it, so anything written outside --out shows in its listing. */
export function sentinel(prefix = 'gradgap-rules-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every entry under `dir` (files, folders, links; hidden ones too), relative, sorted; links not followed. */
export function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${name}` : name;
    out.push(rel);
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) out.push(...listAll(dir, rel));
  }
  return out.sort();
}

/** A CSV of three runs, as the logs readers take it. */
export const RUNS_CSV = 'label,learning_rate,step,acc\nslow,1e-5,0,0.2\nslow,1e-5,5,0.5\nmid,3e-5,0,0.2\nmid,3e-5,5,0.4\nfast,1e-4,0,0.2\nfast,1e-4,5,0\n';

const LOGS = (id: string, file: string, metric = 'acc') =>
  `  <script id="${id}" type="application/vnd.gradgap.logs+json">
    {"files": ["${file}"], "mapping": {"run": "label", "learningRate": "learning_rate", "step": "step"}, "metric": "${metric}"}
  </script>`;
const SWEEP = (id: string) =>
  `  <script id="${id}" type="application/vnd.gradgap.sweep+json">
    {"base": {"L": 2, "iterations": 4, "recordEvery": 2}, "grid": {"stepSize": [1, 2]}, "seeds": 2, "publishSeeds": 2}
  </script>`;
const PLOT = (id: string, logs: string) =>
  `  <script id="${id}" type="application/vnd.gradgap.plot+json">
    {"view": "logs-trajectories", "logs": "${logs}", "title": "runs"}
  </script>`;

/** A notebook of these cells (each a `<script>`), as text. */
export function notebookText(cells: string[]): string {
  return `<!doctype html>\n<notebook theme="air" version="1">\n  <title>File rules under test</title>\n${cells.join('\n')}\n</notebook>\n`;
}

export const cells = { logs: LOGS, sweep: SWEEP, plot: PLOT };

/** Writes a notebook folder under `root`: `nb/<name>.html` and `nb/data/runs.csv`; returns the notebook's path. */
export function notebookFolder(root: string, cellsOf: string[], name = 'rules'): string {
  mkdirSync(join(root, 'nb', 'data'), { recursive: true });
  writeFileSync(join(root, 'nb', 'data', 'runs.csv'), RUNS_CSV);
  const path = join(root, 'nb', `${name}.html`);
  writeFileSync(path, notebookText(cellsOf));
  return path;
}
