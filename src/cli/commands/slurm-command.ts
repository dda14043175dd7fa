/**
 * `gradgap slurm NOTEBOOK --out DIR --tasks n [--partition P] [--time T] [--cpus-per-task c]
 * [--backend …] [--submit]`: writes DIR/slurm/array.sbatch and DIR/slurm/merge.sbatch
 * (slurm-scripts.ts); with --submit, submits the array with `sbatch --parsable`, then the merge
 * with `--dependency=afterok:<array>`. A re-submit runs only the shards not yet complete. Nothing
 * stays running here: the scheduler runs the jobs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackendChoice } from '../../engine/index.ts';
import type { ParsedArgs } from '../args.ts';
import { InputError, RunError } from '../cli-error.ts';
import { readNotebookFile } from '../notebook-input.ts';
import { ROOT, sha256 } from '../provenance-info.ts';
import { arrayList, checkScriptPath, mergedDir, missingShards, scriptsDir, slurmOptions, slurmScripts } from '../slurm-scripts.ts';

/**
 * Writes a script unless the same file is there; one that differs (edited by hand) is kept, as
 * long as it is for the same number of shards. Returns what happened, for the report.
 */
function placeScript(path: string, text: string, tasks: number): 'wrote' | 'kept' | 'same' {
  if (existsSync(path)) {
    const old = readFileSync(path, 'utf8');
    if (old === text) return 'same';
    const n = /#SBATCH --array=1-(\d+)/.exec(old)?.[1] ?? /\/shards\/"\{1\.\.(\d+)\}/.exec(old)?.[1];
    if (n !== undefined && Number(n) !== tasks)
      throw new InputError(`--tasks ${tasks}: ${path} is for ${n} shards; remove it (and the shards/ beside it) to start over with ${tasks}`);
    return 'kept';
  }
  writeFileSync(path, text);
  return 'wrote';
}

/** Runs sbatch --parsable; returns the job id it printed. RunError when sbatch is missing or refuses. */
function sbatch(args: string[]): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RunError(missing ? 'sbatch not found on PATH: submit from a Slurm login node, or run the scripts yourself' : `sbatch: ${r.error.message}`);
  }
  if (r.status !== 0) throw new RunError(`sbatch ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
  // --parsable prints "<id>" or "<id>;<cluster>".
  const id = r.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new RunError(`sbatch ${args.join(' ')} printed ${JSON.stringify(r.stdout.trim())}, not a job id`);
  return id;
}

export async function slurmCommand(args: ParsedArgs): Promise<number> {
  const f = args.flags as Record<string, string | undefined>;
  const options = slurmOptions({
    tasks: f.tasks!,
    cpusPerTask: f['cpus-per-task'],
    partition: f.partition,
    time: f.time,
    backend: f.backend as BackendChoice | undefined,
  });
  const notebook = resolve(args.positional[0]);
  const nb = readNotebookFile(notebook); // bad notebooks are refused here, not in n array tasks
  const out = resolve(f.out!);
  checkScriptPath('--out', out);
  // The name goes into #SBATCH --job-name and comments: kept to characters every Slurm and shell take.
  const layout = { notebook, name: nb.name.replace(/[^\w.-]/g, '_'), out, node: process.execPath, gradgap: join(ROOT, 'bin/gradgap.mjs') };
  const dir = scriptsDir(out);
  try {
    mkdirSync(join(dir, 'logs'), { recursive: true }); // Slurm opens --output files in it and creates no folders
  } catch (error) {
    throw new InputError(`--out ${f.out}: cannot create ${join(dir, 'logs')}: ${(error as Error).message}`);
  }
  const scripts = slurmScripts(layout, options);
  const arrayPath = join(dir, 'array.sbatch');
  const mergePath = join(dir, 'merge.sbatch');
  const placed = [placeScript(arrayPath, scripts.array, options.tasks), placeScript(mergePath, scripts.merge, options.tasks)];
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`${placed[0] === 'kept' ? 'kept (it differs: edited?)' : placed[0]} ${arrayPath}`);
  say(`${placed[1] === 'kept' ? 'kept (it differs: edited?)' : placed[1]} ${mergePath}`);

  const missing = missingShards(out, options.tasks, sha256(nb.text));
  // The script's own #SBATCH --array covers every shard; a re-submit names the missing ones.
  const arrayArgs = missing.length === options.tasks ? [] : [`--array=${arrayList(missing)}`];
  const done = options.tasks - missing.length;
  if (done > 0)
    say(
      `${done} of ${options.tasks} shards are complete (provenance.json written); ${missing.length ? `to run: ${arrayList(missing)}` : 'only the merge is left'}`,
    );
  const mergeWhen = (id: string) => [`--dependency=afterok:${id}`, '--kill-on-invalid-dep=yes'];
  if (!args.flags.submit) {
    if (missing.length) say(`submit: sbatch --parsable ${[...arrayArgs, arrayPath].join(' ')}   (prints the array's job id)`);
    say(`then:   sbatch ${missing.length ? `${mergeWhen('<that id>').join(' ')} ` : ''}${mergePath}   (or add --submit to do both)`);
    return 0;
  }
  if (!missing.length) {
    const mergeId = sbatch([mergePath]);
    say(`submitted the merge as job ${mergeId}: watch it with squeue -j ${mergeId}; results go to ${mergedDir(out)}`);
    return 0;
  }
  const arrayId = sbatch([...arrayArgs, arrayPath]);
  let mergeId: string;
  try {
    mergeId = sbatch([...mergeWhen(arrayId), mergePath]);
  } catch (error) {
    throw new RunError(`the array was submitted as job ${arrayId}, but not the merge: ${(error as Error).message}`);
  }
  say(`submitted shards ${arrayList(missing)} of ${options.tasks} as job array ${arrayId}, and the merge as job ${mergeId} after it (afterok:${arrayId})`);
  say(
    `watch them with squeue -j ${arrayId},${mergeId}; logs go to ${join(dir, 'logs')}, shards to ${join(out, 'shards')}, the merged results to ${mergedDir(out)}`,
  );
  return 0;
}
