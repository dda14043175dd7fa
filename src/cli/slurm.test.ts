/**
 * gradgap on a real Slurm (SPEC 2.4): a one-node cluster started on this machine
 * (slurm-test-cluster.ts) runs the scripts `gradgap slurm --submit` writes, and the merged
 * output equals the unsharded run's byte for byte; a re-submit runs only the missing shard;
 * `--shard slurm` numbers an array's tasks as shards. Installs slurm-wlm and munge with apt-get
 * when missing; skipped, saying why, only where there is no apt-get.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, gradgap, snapshot, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';
import { ROOT } from './provenance-info.ts';
import { installSlurm, slurmUnavailable, SlurmTestCluster } from './slurm-test-cluster.ts';

const NOTEBOOK = join(FIXTURES, 'tiny.html'); // 96 runs: shards of 32 split its 24-seed cells
const TASKS = 3;
const MINUTE = 60_000;
const log = (line: string) => console.log(`[slurm test] ${line}`);
const unavailable = slurmUnavailable();
if (unavailable) log(`skipped: ${unavailable}`);

/** Slurm's job states that do not change any more. */
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** What a merge may differ in from the unsharded run: who ran it, when, and for how long. */
function withoutRunFacts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRunFacts);
  if (value === null || typeof value !== 'object') return value;
  const skip = new Set(['command', 'startedAt', 'wallMs', 'host', 'shard', 'shards', 'slurm']);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !skip.has(k))
      .map(([k, v]) => [k, withoutRunFacts(v)]),
  );
}

describe.skipIf(unavailable)(`gradgap on a real one-node Slurm${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: SlurmTestCluster | undefined;
  const whole = tempDir('gradgap-slurm-whole-');
  const out = tempDir('gradgap-slurm-out-');

  /** Polls `scontrol show job` until every job (each array task) is in a final state; logs each change. At most 10 minutes. */
  async function waitForJobs(ids: string[]): Promise<Map<string, string>> {
    let last = '';
    let states = new Map<string, string>();
    await cluster!.until(`jobs ${ids.join(', ')} to finish`, 600, () => {
      try {
        states = new Map(ids.flatMap((id) => cluster!.jobStates(id).map((j) => [j.arrayTaskId ? `${j.jobId} (task ${j.arrayTaskId})` : j.jobId, j.state])));
      } catch (error) {
        log(`scontrol did not answer this time (${(error as Error).message}); asking again`);
        return false;
      }
      const now = [...states].map(([job, state]) => `${job} ${state}`).join(', ');
      if (now !== last) log(`scontrol: ${now}`);
      last = now;
      return [...states.values()].every((s) => FINAL.has(s));
    });
    return states;
  }

  /** The merged output against the unsharded run's: the same files; data and figures byte for byte; baked file and provenance but for run facts. */
  function expectSameAsWhole(merged: string): void {
    expect(listFiles(merged)).toEqual(listFiles(whole));
    const data = listFiles(whole).filter((f) => !f.endsWith('.results.json') && f !== 'provenance.json');
    expect(data).toEqual(expect.arrayContaining(['sweeps/sweep.json', 'sweeps/sweep.runs.csv', 'sweeps/sweep.cells.csv', 'plots/phase.svg', 'notebook.html']));
    expect(snapshot(merged, data)).toEqual(snapshot(whole, data));
    for (const file of ['tiny.results.json', 'provenance.json'])
      expect(withoutRunFacts(readJson(join(merged, file))), file).toEqual(withoutRunFacts(readJson(join(whole, file))));
    log(
      `${merged}: ${data.length} data files byte-identical to the unsharded run's (${data.join(', ')}); tiny.results.json and provenance.json equal but for command and times`,
    );
  }

  beforeAll(async () => {
    installSlurm(log);
    // The unsharded run, on the CPU twin with one thread as each array task (--cpus-per-task 1), while the cluster starts.
    const [run, started] = await Promise.all([
      gradgap(['run', NOTEBOOK, '--out', whole, '--backend', 'cpu', '--threads', '1', '--quiet']),
      SlurmTestCluster.start(log),
    ]);
    cluster = started;
    expect(run.code, run.stderr).toBe(0);
    expect(readJson(join(whole, 'provenance.json'))).not.toHaveProperty('slurm'); // outside Slurm, provenance is as before
    log(`unsharded run done: ${whole}`);
  }, 15 * MINUTE);

  const scratch = [whole, out];
  afterAll(async () => {
    await cluster?.stop();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  }, 2 * MINUTE);

  it(
    'gradgap slurm --submit: the array tasks and the merge complete, and the merged files equal the unsharded run',
    async () => {
      const submit = await gradgap(
        ['slurm', NOTEBOOK, '--out', out, '--tasks', String(TASKS), '--backend', 'cpu', '--time', '20:00', '--submit'],
        cluster!.env,
      );
      log(`gradgap slurm --submit:\n${submit.stdout.trim()}`);
      expect(submit.code, submit.stderr).toBe(0);
      const [, arrayId, mergeId] = /as job array (\d+), and the merge as job (\d+)/.exec(submit.stdout) ?? [];
      expect(arrayId && mergeId, submit.stdout).toBeTruthy();
      log(`squeue:\n${cluster!.run('squeue', ['-o', '%.8i %.9P %.20j %.8u %.2t %.10M %.6D %R'], false).stdout.trim()}`);
      const states = await waitForJobs([arrayId, mergeId]);
      expect([...states.values()], cluster!.logTails()).toEqual(Array(TASKS + 1).fill('COMPLETED'));
      log(`array job ${arrayId}: ${TASKS} tasks COMPLETED; merge job ${mergeId} COMPLETED`);
      expectSameAsWhole(join(out, 'merged'));
      // Each output records the scheduler's job that made it.
      for (let i = 1; i <= TASKS; i++) {
        const p = readJson(join(out, 'shards', String(i), 'provenance.json'));
        expect(p.shard).toEqual({ index: i, count: TASKS });
        expect(p.slurm).toMatchObject({ arrayJobId: arrayId, arrayTaskId: String(i) });
        expect(p.slurm.jobId).toMatch(/^\d+$/);
      }
      expect(readJson(join(out, 'merged/provenance.json')).slurm).toEqual({ jobId: mergeId });
      expect(listFiles(join(out, 'slurm/logs'))).toEqual([...[1, 2, 3].map((i) => `array-${arrayId}_${i}.out`), `merge-${mergeId}.out`]);
    },
    15 * MINUTE,
  );

  it(
    'a re-submit runs only the shard whose output is incomplete, then merges again',
    async () => {
      // Shard 2 as a task stopped before its last write leaves it: no provenance.json.
      rmSync(join(out, 'shards/2/provenance.json'));
      rmSync(join(out, 'merged'), { recursive: true });
      const submit = await gradgap(
        ['slurm', NOTEBOOK, '--out', out, '--tasks', String(TASKS), '--backend', 'cpu', '--time', '20:00', '--submit'],
        cluster!.env,
      );
      log(`gradgap slurm --submit, again:\n${submit.stdout.trim()}`);
      expect(submit.code, submit.stderr).toBe(0);
      expect(submit.stdout).toMatch(/2 of 3 shards are complete/);
      const [, arrayId, mergeId] = /submitted shards 2 of 3 as job array (\d+), and the merge as job (\d+)/.exec(submit.stdout) ?? [];
      expect(arrayId && mergeId, submit.stdout).toBeTruthy();
      const states = await waitForJobs([arrayId, mergeId]);
      expect([...states.keys()]).toEqual([`${arrayId} (task 2)`, mergeId]);
      expect([...states.values()], cluster!.logTails()).toEqual(['COMPLETED', 'COMPLETED']);
      log(`re-submit: only task 2 ran (array job ${arrayId}); merge job ${mergeId} COMPLETED`);
      expect(readJson(join(out, 'shards/2/provenance.json')).slurm).toMatchObject({ arrayJobId: arrayId, arrayTaskId: '2' });
      expectSameAsWhole(join(out, 'merged'));
    },
    15 * MINUTE,
  );

  it(
    '--shard slurm: the tasks of --array=0-2 are shards 1/3, 2/3 and 3/3',
    async () => {
      const dir = tempDir('gradgap-slurm-shard-');
      scratch.push(dir);
      const command = `'${process.execPath}' '${join(ROOT, 'bin/gradgap.mjs')}' run '${NOTEBOOK}' --shard slurm --out '${dir}'/$SLURM_ARRAY_TASK_ID --backend cpu --threads 1 --quiet`;
      const arrayId = cluster!.run('sbatch', ['--parsable', '--array=0-2', `--output=${dir}/task-%a.out`, '--wrap', command]).stdout.trim();
      log(`sbatch --array=0-2 --wrap "gradgap run … --shard slurm": job array ${arrayId}`);
      const states = await waitForJobs([arrayId]);
      expect([...states.values()], cluster!.logTails()).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
      for (const task of [0, 1, 2]) expect(readJson(join(dir, String(task), 'provenance.json')).shard).toEqual({ index: task + 1, count: 3 });
      const merged = join(dir, 'merged');
      const merge = await gradgap(['merge', join(dir, '2'), join(dir, '0'), join(dir, '1'), '--out', merged, '--quiet']);
      expect(merge.code, merge.stderr).toBe(0);
      expectSameAsWhole(merged);
    },
    15 * MINUTE,
  );
});
