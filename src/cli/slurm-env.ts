/**
 * What Slurm tells a job through its environment: the shard of a job-array task (`--shard slurm`)
 * and the job's ids, which provenance records (SPEC 2.4).
 *
 * @example
 *   // in task 3 of `sbatch --array=1-4`: SLURM_ARRAY_TASK_ID=3, _MIN=1, _MAX=4, _COUNT=4
 *   slurmShard(process.env); // { index: 3, count: 4 }
 *   slurmJob(process.env);   // { jobId: '12', arrayJobId: '9', arrayTaskId: '3' }
 */
import { InputError } from './cli-error.ts';
import { MAX_SHARDS, type Shard } from './shard.ts';

type Env = Record<string, string | undefined>;

const ARRAY_VARS = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN'] as const;

/**
 * The shard of this job-array task: task ids MIN…MAX are shards 1…COUNT, so `--array=1-n` gives
 * `--shard i/n` with i the task id, and `--array=0-3` shards 1…4. Only a contiguous array maps
 * onto shards: a list such as `--array=2,5` (a re-submit of two missing shards of 8) says nothing
 * about n, and is refused; such a task passes `--shard $SLURM_ARRAY_TASK_ID/n` itself.
 */
export function slurmShard(env: Env): Shard {
  const missing = ARRAY_VARS.filter((v) => !env[v]);
  if (missing.length)
    throw new InputError(
      `--shard slurm: not in a Slurm job array: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set ` +
        `(submit with sbatch --array=1-n, or give --shard i/n)`,
    );
  const read = (name: string): number => {
    const text = env[name]!;
    const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n)) throw new InputError(`--shard slurm: ${name}=${text}: must be a non-negative integer`);
    return n;
  };
  const [id, count, min] = ARRAY_VARS.map(read);
  // Slurm sets _MAX with the others; an environment made by hand may not, and then the array is taken as contiguous.
  const max = env.SLURM_ARRAY_TASK_MAX === undefined ? min + count - 1 : read('SLURM_ARRAY_TASK_MAX');
  if (count < 1 || count > MAX_SHARDS)
    throw new InputError(`--shard slurm: SLURM_ARRAY_TASK_COUNT=${count}: must be in [1, ${MAX_SHARDS}] (gradgap merge joins at most ${MAX_SHARDS} shards)`);
  if (max - min + 1 !== count)
    throw new InputError(
      `--shard slurm: the array's task ids run from ${min} to ${max} but it has ${count} tasks: not one contiguous range, so its tasks are not shards 1…n ` +
        `(give --shard $SLURM_ARRAY_TASK_ID/n instead)`,
    );
  if (id < min || id > max) throw new InputError(`--shard slurm: SLURM_ARRAY_TASK_ID=${id}: must be in [${min}, ${max}] (SLURM_ARRAY_TASK_MIN, _MAX)`);
  return { index: id - min + 1, count };
}

/** The scheduler's ids of the job this process runs in, as Slurm gives them. */
export interface SlurmJob {
  jobId: string; // SLURM_JOB_ID: this job (in an array, this task's own job id)
  arrayJobId?: string; // SLURM_ARRAY_JOB_ID: the array's id, what `squeue` and `--dependency` name
  arrayTaskId?: string; // SLURM_ARRAY_TASK_ID
}

/** This process's Slurm job, or null outside Slurm (provenance then records nothing of it). */
export function slurmJob(env: Env): SlurmJob | null {
  if (!env.SLURM_JOB_ID) return null;
  return {
    jobId: env.SLURM_JOB_ID,
    ...(env.SLURM_ARRAY_JOB_ID ? { arrayJobId: env.SLURM_ARRAY_JOB_ID } : {}),
    ...(env.SLURM_ARRAY_TASK_ID ? { arrayTaskId: env.SLURM_ARRAY_TASK_ID } : {}),
  };
}
