/**
 * Everything `gradgap run` and `gradgap merge` leave in --out for one notebook, staged and then
 * committed (output-files.ts):
 *   sweeps/<id>.json, .runs.csv, .cells.csv   results (byte-identical between a run and a merge of its shards)
 *   plots/<id>.svg                            every plot cell, as the page draws it (whole runs only)
 *   <notebook>.results.json                   the baked-results file the site and `verify` read
 *   logs/<id>.summary.csv                     every logs cell: one row per run (learning rate, start, peak, final, outcome, reason)
 *   notebook.html                             the notebook as run (merge redraws plots from it), with the data
 *   data/…                                    files its logs cells read beside it, at the paths the cells give
 *   provenance.json                           seeds, spec hashes, packages, WGSL hash, host, adapter, wall time,
 *                                             Slurm's job ids when run in a Slurm job; written last
 */
import { isTensorBoardName, summaryCsv } from '../logs/index.ts';
import { summarizeSweep, writeBakedResults, type SweepSummary } from '../results/index.ts';
import type { BackendInfo } from '../engine/index.ts';
import type { NotebookInput } from './notebook-input.ts';
import { InputError } from './cli-error.ts';
import type { OutputStage } from './output-files.ts';
import { resolveInside } from './output-path.ts';
import { plotSvg } from './plot-figures.ts';
import { bakedProvenance, packageVersions, sha256, wgslProvenance } from './provenance-info.ts';
import { sweepData, writeSweepFiles } from './results-files.ts';
import type { RangeResult } from './run-range.ts';
import type { Shard } from './shard.ts';
import { slurmJob } from './slurm-env.ts';

/** A logs file as written and hashed: a TensorBoard event file's binary string back to its bytes. */
const fileBytes = (file: { name: string; text: string }): string | Uint8Array => (isTensorBoardName(file.name) ? Buffer.from(file.text, 'latin1') : file.text);

export const PROVENANCE_FILE = 'provenance.json';
export const NOTEBOOK_COPY = 'notebook.html';

export interface SweepProvenance {
  specHash: string;
  masterSeed: number;
  seedsPerCell: number;
  runCount: number;
  runRange: [number, number];
  backend: BackendInfo;
  wallMs: number;
}

export interface OutputMeta {
  command: string;
  host: string; // 'dawn' | 'chrome' | 'merge'
  runtime: string;
  shard: Shard | null;
  startedAt: string; // ISO time
  wallMs: number;
  shards?: unknown[]; // merge: the provenance of every shard
}

/** The files the notebook's logs cells read, each once (two cells may read one file: it is copied once). */
function dataFiles(nb: Pick<NotebookInput, 'logsFiles'>): Map<string, { name: string; text: string }> {
  const files = new Map<string, { name: string; text: string }>();
  for (const list of nb.logsFiles.values()) for (const file of list) if (!files.has(file.name)) files.set(file.name, file);
  return files;
}

/**
 * Every path (relative to --out) the notebook's outputs take, whole-run outputs included. Checked
 * up front (checkOutputPaths), so a path that would leave --out, a name too long for the file
 * system or two outputs taking one name is refused before anything runs, not after.
 */
export function plannedOutputPaths(nb: Pick<NotebookInput, 'sweeps' | 'plots' | 'logsResults' | 'logsFiles' | 'name'>): string[] {
  return [
    ...nb.sweeps.flatMap((s) => [`sweeps/${s.id}.json`, `sweeps/${s.id}.runs.csv`, `sweeps/${s.id}.cells.csv`]),
    ...nb.plots.map((p) => `plots/${p.id}.svg`),
    `${nb.name}.results.json`,
    ...[...nb.logsResults.keys()].map((id) => `logs/${id}.summary.csv`),
    NOTEBOOK_COPY,
    ...dataFiles(nb).keys(),
    PROVENANCE_FILE,
  ];
}

/** Proves every planned output path lies inside --out (resolveInside) and that no two outputs take one name; InputError (exit 2) otherwise. */
export function checkOutputPaths(stage: OutputStage, nb: Parameters<typeof plannedOutputPaths>[0]): void {
  const seen = new Set<string>();
  for (const rel of plannedOutputPaths(nb)) {
    if (seen.has(rel)) throw new InputError(`two outputs would both be written to ${rel} in --out`);
    seen.add(rel);
    resolveInside(stage.outDir, rel);
  }
}

/** Stages every output of a notebook's results; returns the plot ids drawn. */
export async function stageNotebookOutputs(stage: OutputStage, nb: NotebookInput, results: Map<string, RangeResult>, meta: OutputMeta): Promise<string[]> {
  const sweeps: Record<string, SweepProvenance> = {};
  const summaries = new Map<string, SweepSummary>();
  for (const sweep of nb.sweeps) {
    const r = results.get(sweep.id)!;
    // `gradgap run` streams them while the sweep runs (SweepFilesWriter); otherwise they are written here from the whole table.
    if (!stage.has(`sweeps/${sweep.id}.json`)) writeSweepFiles(stage, sweepData(sweep.id, r));
    sweeps[sweep.id] = {
      specHash: r.specHash,
      masterSeed: r.spec.seed,
      seedsPerCell: r.spec.seeds,
      runCount: r.runCount,
      runRange: r.runRange,
      backend: r.backend,
      wallMs: Math.round(r.wallMs),
    };
    if (r.runRange[0] === 0 && r.runRange[1] === r.runCount) summaries.set(sweep.id, await summarizeSweep(r));
  }
  const wgsl = await wgslProvenance();
  const packages = packageVersions();
  const notebookHash = sha256(nb.text);
  const slurm = slurmJob(process.env);
  // Figures and the baked file need every run: a shard leaves them to `gradgap merge`.
  const plots: string[] = [];
  const whole = summaries.size === nb.sweeps.length;
  if (whole) {
    for (const plot of nb.plots) {
      stage.write(`plots/${plot.id}.svg`, plotSvg(nb, plot, summaries));
      plots.push(plot.id);
    }
    const provenance = await bakedProvenance({ command: meta.command, runtime: meta.runtime, packages });
    // Streamed: a million-run sweep's per-run finals are written in slices, never held as one string.
    const baked = stage.create(`${nb.name}.results.json`);
    await writeBakedResults({ file: `${nb.name}.html`, text: nb.text }, provenance, Object.fromEntries(summaries), (piece) => baked.append(piece));
    baked.close();
  }
  for (const [id, analysis] of nb.logsResults) stage.write(`logs/${id}.summary.csv`, summaryCsv(analysis.summaries, analysis.critical));
  stage.write(NOTEBOOK_COPY, nb.text);
  for (const file of dataFiles(nb).values()) stage.write(file.name, fileBytes(file));
  const provenance = {
    format: 'gradgap-provenance',
    version: 1,
    command: meta.command,
    startedAt: meta.startedAt,
    wallMs: Math.round(meta.wallMs),
    notebook: { file: `${nb.name}.html`, title: nb.notebook.title, sha256: notebookHash },
    host: meta.host,
    runtime: meta.runtime,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    packages,
    wgslHash: wgsl.wgslHash,
    wgslFiles: wgsl.files,
    shard: meta.shard,
    sweeps,
    plots: whole ? plots : `not drawn: this output holds part of the runs; gradgap merge draws them`,
    logs: Object.fromEntries([...nb.logsFiles].map(([id, files]) => [id, files.map((f) => ({ file: f.name, sha256: sha256(fileBytes(f)) }))])),
    ...(meta.shards ? { shards: meta.shards } : {}),
    // Which scheduler job made this output (a shard's task, or the merge job); absent outside Slurm, so other runs' provenance is as before.
    ...(slurm ? { slurm } : {}),
  };
  stage.write(PROVENANCE_FILE, `${JSON.stringify(provenance, null, 1)}\n`);
  return plots;
}
