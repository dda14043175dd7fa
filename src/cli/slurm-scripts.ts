/**
 * The two sbatch scripts `gradgap slurm` writes (SPEC 2.4): a job array whose task i runs
 * `gradgap run --shard i/n` into DIR/shards/i, and a merge job into DIR/merged. Plain scripts a
 * user reads and edits; every line says why it is there. Also: the checks of the options, and
 * which shards a re-submit still has to run.
 *
 * @example
 *   const o = slurmOptions({ tasks: '4', time: '1:00:00' }); // InputError naming the flag when bad
 *   const { array, merge } = slurmScripts(layout, o);        // the scripts' text
 *   arrayList([2, 3, 4, 7]);                                 // '2-4,7' (sbatch --array=)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendChoice } from '../engine/index.ts';
import { InputError } from './cli-error.ts';
import { PROVENANCE_FILE } from './notebook-outputs.ts';
import { MAX_SHARDS } from './shard.ts';

/** What the scripts ask of Slurm and of gradgap. */
export interface SlurmOptions {
  tasks: number; // shards, one array task each
  cpusPerTask: number; // cores per task; the CPU twin runs as many threads
  partition?: string;
  time?: string; // Slurm's time limit per task, as sbatch --time takes it
  backend: BackendChoice; // checked by the argument parser
}

/** Where everything lives: absolute paths, as the scripts give them (a job does not start where sbatch was run). */
export interface SlurmLayout {
  notebook: string; // the notebook file
  name: string; // the notebook's name (file name without .html): the jobs' names
  out: string; // DIR: slurm/, shards/<i>/, merged/
  node: string; // the Node binary
  gradgap: string; // bin/gradgap.mjs
}

export const scriptsDir = (out: string) => join(out, 'slurm');
export const shardDir = (out: string, index: number) => join(out, 'shards', String(index));
export const mergedDir = (out: string) => join(out, 'merged');

/** An integer flag in [lo, hi], written in decimal digits; InputError naming the flag and the range. */
function integerFlag(flag: string, value: string, lo: number, hi: number, why = ''): number {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new InputError(`--${flag} ${value}: must be an integer in [${lo}, ${hi}]${why}`);
  return n;
}

/** Checks the flags as given on the command line (strings); InputError naming the flag and what it takes. */
export function slurmOptions(flags: { tasks: string; cpusPerTask?: string; partition?: string; time?: string; backend?: BackendChoice }): SlurmOptions {
  const tasks = integerFlag('tasks', flags.tasks, 1, MAX_SHARDS, ` (gradgap merge joins at most ${MAX_SHARDS} shards)`);
  const cpusPerTask = flags.cpusPerTask === undefined ? 1 : integerFlag('cpus-per-task', flags.cpusPerTask, 1, 1024);
  // Slurm's partition names; a comma list lets the scheduler take the first that can start the job.
  if (flags.partition !== undefined && !/^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64})*$/.test(flags.partition))
    throw new InputError(`--partition ${flags.partition}: must be a partition name (letters, digits, _ . -), or several separated by commas`);
  // sbatch --time's forms: minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes, days-hours:minutes:seconds.
  if (flags.time !== undefined && !/^(\d{1,7}(:\d{1,2}){0,2}|\d{1,4}-\d{1,2}(:\d{1,2}){0,2}|UNLIMITED|INFINITE)$/i.test(flags.time))
    throw new InputError(`--time ${flags.time}: must be a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 2:00:00)`);
  return { tasks, cpusPerTask, partition: flags.partition, time: flags.time, backend: flags.backend ?? 'auto' };
}

/**
 * Refuses a path that a script line cannot carry as it is: the `#SBATCH --output=` lines take no
 * quotes, and Slurm reads `%` in them as a pattern.
 */
export function checkScriptPath(flag: string, path: string): void {
  const bad = /[\s%"'`$\\#;&|<>()*?[\]{}!]/.exec(path);
  if (bad) throw new InputError(`${flag} ${path}: the path holds ${JSON.stringify(bad[0])}, which sbatch scripts cannot carry as it is; use a path without it`);
}

/** Quoted for the shell, whatever it holds. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The #SBATCH lines both scripts share, each with the comment that says why. */
function sharedDirectives(o: SlurmOptions): string[] {
  const lines: string[] = [];
  if (o.partition) lines.push('# The partition (queue) to run in.', `#SBATCH --partition=${o.partition}`);
  if (o.time)
    lines.push('# The time limit of each job; Slurm stops a job that runs longer (and a stopped shard leaves no provenance.json).', `#SBATCH --time=${o.time}`);
  return lines;
}

/** The two scripts' text. */
export function slurmScripts(at: SlurmLayout, o: SlurmOptions): { array: string; merge: string } {
  const dir = scriptsDir(at.out);
  const logs = join(dir, 'logs');
  const gradgap = [
    '# Node and gradgap as found when these scripts were written (the semi-space flag is the one bin/gradgap.mjs starts with).',
    `NODE=${shellQuote(at.node)}`,
    `GRADGAP=${shellQuote(at.gradgap)}`,
  ];
  const array = [
    '#!/bin/bash',
    `# The sweeps of ${at.name}.html as a Slurm job array: task i runs shard i of ${o.tasks} (gradgap run --shard i/${o.tasks}).`,
    `# Written by \`gradgap slurm\`: a plain sbatch script, edit it as you like. Submit it and the merge after it with`,
    `#   gradgap slurm ... --submit, or by hand: sbatch --parsable ${join(dir, 'array.sbatch')}`,
    `#   then sbatch --dependency=afterok:<the id it printed> ${join(dir, 'merge.sbatch')}`,
    '',
    '# The name squeue shows for every task of the array.',
    `#SBATCH --job-name=gradgap-${at.name}`,
    `# One task per shard, numbered 1…${o.tasks} as --shard i/n numbers them. A re-submit gives the missing ones on`,
    "# sbatch's command line (--array=2,5), which wins over this line.",
    `#SBATCH --array=1-${o.tasks}`,
    "# Each task's output (%A: the array's job id, %a: the task id); the folder exists (gradgap slurm made it).",
    `#SBATCH --output=${join(logs, 'array-%A_%a.out')}`,
    '# Cores for one task: the CPU twin runs as many threads (--threads below).',
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    ...sharedDirectives(o),
    '',
    '# Stop at the first failing command: the task fails, and the merge (afterok) does not start.',
    'set -euo pipefail',
    ...gradgap,
    `# Shard $SLURM_ARRAY_TASK_ID of ${o.tasks} into its own folder. n is written out, not taken from the array's size:`,
    "# a re-submit's array holds only the missing shards. The shard is complete once its provenance.json is there (written last).",
    `"$NODE" --max-semi-space-size=2 "$GRADGAP" run ${shellQuote(at.notebook)} --shard "$SLURM_ARRAY_TASK_ID/${o.tasks}" \\`,
    `  --out "${join(at.out, 'shards')}/$SLURM_ARRAY_TASK_ID" --backend ${o.backend} --threads "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ].join('\n');
  const merge = [
    '#!/bin/bash',
    `# Joins the ${o.tasks} shards of ${at.name}.html into what one unsharded run writes (gradgap merge).`,
    '# Written by `gradgap slurm`: a plain sbatch script, edit it as you like. Submitted after the array with',
    `#   sbatch --dependency=afterok:<the array's job id> ${join(dir, 'merge.sbatch')}`,
    '',
    '# The name squeue shows for the merge.',
    `#SBATCH --job-name=gradgap-${at.name}-merge`,
    "# The merge's output (%j: its job id).",
    `#SBATCH --output=${join(logs, 'merge-%j.out')}`,
    '# Merging reads the shards a chunk at a time: one core is enough.',
    '#SBATCH --cpus-per-task=1',
    ...sharedDirectives(o),
    '',
    '# Stop at the first failing command, so the job shows as failed.',
    'set -euo pipefail',
    ...gradgap,
    `# Results, plots, ${at.name}.results.json and provenance.json of the whole sweep into ${mergedDir(at.out)}.`,
    `"$NODE" --max-semi-space-size=2 "$GRADGAP" merge "${join(at.out, 'shards')}/"{1..${o.tasks}} --out "${mergedDir(at.out)}"`,
    '',
  ].join('\n');
  return { array, merge };
}

/**
 * The shards a (re-)submit still has to run: those whose folder holds no provenance.json (a run
 * writes it last, after every other file is in place), or one from another notebook or another n.
 */
export function missingShards(out: string, tasks: number, notebookSha256: string): number[] {
  const missing: number[] = [];
  for (let i = 1; i <= tasks; i++) {
    const path = join(shardDir(out, i), PROVENANCE_FILE);
    let done = false;
    if (existsSync(path)) {
      try {
        const p = JSON.parse(readFileSync(path, 'utf8'));
        done = p.format === 'gradgap-provenance' && p.notebook?.sha256 === notebookSha256 && p.shard?.index === i && p.shard?.count === tasks;
      } catch {
        done = false; // unreadable: run it again
      }
    }
    if (!done) missing.push(i);
  }
  return missing;
}

/** Task ids as sbatch --array takes them, runs joined: [1, 2, 3, 5] → '1-3,5'. */
export function arrayList(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length;) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    parts.push(j === i ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
