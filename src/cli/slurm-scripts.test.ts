/**
 * `gradgap slurm` and `--shard slurm` without a cluster: the array arithmetic, the checks of every
 * flag, the scripts' text (bash reads them), which shards a re-submit runs, and the sbatch calls
 * of --submit (a stand-in sbatch on PATH records them). slurm.test.ts runs it all on a real Slurm.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './cli-error.ts';
import { FIXTURES, gradgap, reason, tempDir } from './cli-harness.ts';
import { sha256 } from './provenance-info.ts';
import { slurmJob, slurmShard } from './slurm-env.ts';
import { arrayList, missingShards, slurmOptions, slurmScripts } from './slurm-scripts.ts';

const NOTEBOOK = join(FIXTURES, 'tiny.html');
const task = (id: number, min: number, max: number, count = max - min + 1) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
  SLURM_ARRAY_TASK_COUNT: String(count),
});

describe('--shard slurm', () => {
  it('numbers the tasks MIN…MAX as shards 1…COUNT, as --shard i/n does', () => {
    expect([1, 2, 3, 4].map((i) => slurmShard(task(i, 1, 4)))).toEqual([1, 2, 3, 4].map((i) => ({ index: i, count: 4 })));
    expect([0, 1, 2].map((i) => slurmShard(task(i, 0, 2)))).toEqual([1, 2, 3].map((i) => ({ index: i, count: 3 })));
    expect(slurmShard(task(7, 5, 7))).toEqual({ index: 3, count: 3 });
  });
  it('outside an array job names the variables that are missing', () => {
    expect(() => slurmShard({})).toThrow(InputError);
    expect(() => slurmShard({})).toThrow(
      /^--shard slurm: not in a Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN are not set/,
    );
    expect(() => slurmShard({ SLURM_JOB_ID: '5', SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toThrow(/SLURM_ARRAY_TASK_MIN is not set/);
  });
  it.each([
    [{ ...task(3, 1, 3, 2) }, /task ids run from 1 to 3 but it has 2 tasks: not one contiguous range.*--shard \$SLURM_ARRAY_TASK_ID\/n/], // --array=1,3
    [{ ...task(1, 1, 7, 4) }, /not one contiguous range/], // --array=1-7:2
    [{ ...task(9, 1, 4) }, /SLURM_ARRAY_TASK_ID=9: must be in \[1, 4\]/],
    [{ ...task(1, 1, 2000) }, /SLURM_ARRAY_TASK_COUNT=2000: must be in \[1, 1024\]/],
    [{ ...task(1, 1, 4), SLURM_ARRAY_TASK_ID: '1e0' }, /SLURM_ARRAY_TASK_ID=1e0: must be a non-negative integer/],
  ])('refuses an array that is not shards 1…n (%#)', (env, message) => {
    expect(() => slurmShard(env)).toThrow(message);
  });
  it('a run outside an array exits 2 naming the variables, before anything runs', async () => {
    const run = await gradgap(['run', NOTEBOOK, '--out', join(tempDir(), 'out'), '--shard', 'slurm'], {
      SLURM_ARRAY_TASK_ID: '',
      SLURM_ARRAY_TASK_COUNT: '',
      SLURM_ARRAY_TASK_MIN: '',
    });
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/--shard slurm: not in a Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN are not set/);
  });
});

describe('the Slurm job in provenance', () => {
  it('holds the ids Slurm gives, and nothing outside Slurm', () => {
    expect(slurmJob({})).toBeNull();
    expect(slurmJob({ SLURM_JOB_ID: '12' })).toEqual({ jobId: '12' });
    expect(slurmJob({ SLURM_JOB_ID: '12', SLURM_ARRAY_JOB_ID: '9', SLURM_ARRAY_TASK_ID: '3' })).toEqual({ jobId: '12', arrayJobId: '9', arrayTaskId: '3' });
  });
});

describe('gradgap slurm options', () => {
  it('takes what sbatch takes', () => {
    expect(slurmOptions({ tasks: '4' })).toEqual({ tasks: 4, cpusPerTask: 1, partition: undefined, time: undefined, backend: 'auto' });
    for (const time of ['30', '30:00', '2:00:00', '1-0', '1-12:00', '2-00:00:00', 'UNLIMITED']) expect(slurmOptions({ tasks: '1', time }).time).toBe(time);
    expect(slurmOptions({ tasks: '1024', cpusPerTask: '8', partition: 'gpu,cpu-long', backend: 'cpu' })).toMatchObject({ tasks: 1024, cpusPerTask: 8 });
  });
  it.each([
    [{ tasks: '0' }, /^--tasks 0: must be an integer in \[1, 1024\]/],
    [{ tasks: '1025' }, /^--tasks 1025: must be an integer in \[1, 1024\] \(gradgap merge joins at most 1024 shards\)/],
    [{ tasks: '2.5' }, /^--tasks 2.5: must be an integer/],
    [{ tasks: '4', cpusPerTask: '0' }, /^--cpus-per-task 0: must be an integer in \[1, 1024\]/],
    [{ tasks: '4', partition: 'a b' }, /^--partition a b: must be a partition name/],
    [{ tasks: '4', partition: 'x;rm' }, /^--partition x;rm: must be a partition name/],
    [{ tasks: '4', time: '2h' }, /^--time 2h: must be a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS/],
    [{ tasks: '4', time: '1:2:3:4' }, /^--time 1:2:3:4: must be a Slurm time limit/],
  ])('refuses %o naming the flag and the range', (flags, message) => {
    expect(() => slurmOptions(flags)).toThrow(InputError);
    expect(() => slurmOptions(flags)).toThrow(message);
  });
  it('an unknown flag, a missing --tasks and a bad --out are exit 2', async () => {
    const dir = tempDir();
    const runs = await Promise.all([
      gradgap(['slurm', NOTEBOOK, '--out', dir, '--tasks', '2', '--nodes', '2']),
      gradgap(['slurm', NOTEBOOK, '--out', dir]),
      gradgap(['slurm', NOTEBOOK, '--out', join(dir, 'a b'), '--tasks', '2']),
      gradgap(['slurm', NOTEBOOK, '--out', join(dir, '100%'), '--tasks', '2']),
      gradgap(['slurm', join(FIXTURES, 'no-such.html'), '--out', dir, '--tasks', '2']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(runs.map(reason)).toEqual([
      expect.stringMatching(/unknown flag --nodes for "slurm"/),
      expect.stringMatching(/"slurm" needs --tasks/),
      expect.stringMatching(/--out .*a b: the path holds " "/),
      expect.stringMatching(/--out .*100%: the path holds "%"/),
      expect.stringMatching(/no-such\.html: no such file/),
    ]);
  });
});

describe('the scripts', () => {
  const layout = { notebook: "/data/it's/nb.html", name: 'nb', out: '/scratch/sweep', node: '/opt/node/bin/node', gradgap: '/opt/gradgap/bin/gradgap.mjs' };
  const { array, merge } = slurmScripts(layout, slurmOptions({ tasks: '4', cpusPerTask: '2', partition: 'cpu', time: '1:00:00', backend: 'cpu' }));

  it('say what Slurm runs, with absolute paths and a comment before each directive', () => {
    const directives = (s: string) => s.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives(array)).toEqual([
      '#SBATCH --job-name=gradgap-nb',
      '#SBATCH --array=1-4',
      '#SBATCH --output=/scratch/sweep/slurm/logs/array-%A_%a.out',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --partition=cpu',
      '#SBATCH --time=1:00:00',
    ]);
    expect(directives(merge)).toEqual([
      '#SBATCH --job-name=gradgap-nb-merge',
      '#SBATCH --output=/scratch/sweep/slurm/logs/merge-%j.out',
      '#SBATCH --cpus-per-task=1',
      '#SBATCH --partition=cpu',
      '#SBATCH --time=1:00:00',
    ]);
    for (const script of [array, merge]) {
      const lines = script.split('\n');
      lines.forEach((line, i) => line.startsWith('#SBATCH') && expect(lines[i - 1], line).toMatch(/^# /));
    }
  });

  it('are bash that runs shard $SLURM_ARRAY_TASK_ID of n, then merges shards 1…n', () => {
    // Each script's command, as bash expands it in a task (gradgap echoed instead of run).
    const expand = (script: string, env: Record<string, string>) => {
      const body = script.replace(/^"\$NODE"/m, 'echo "$NODE"');
      const r = spawnSync('bash', ['-c', body], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(expand(array, { SLURM_ARRAY_TASK_ID: '3', SLURM_CPUS_PER_TASK: '2' })).toBe(
      "/opt/node/bin/node --max-semi-space-size=2 /opt/gradgap/bin/gradgap.mjs run /data/it's/nb.html --shard 3/4 --out /scratch/sweep/shards/3 --backend cpu --threads 2",
    );
    expect(expand(merge, {})).toBe(
      '/opt/node/bin/node --max-semi-space-size=2 /opt/gradgap/bin/gradgap.mjs merge /scratch/sweep/shards/1 /scratch/sweep/shards/2 /scratch/sweep/shards/3 /scratch/sweep/shards/4 --out /scratch/sweep/merged',
    );
  });
});

describe('a re-submit', () => {
  it('runs the shards without a provenance.json of this notebook and this n', () => {
    const out = tempDir();
    const text = readFileSync(NOTEBOOK, 'utf8');
    const write = (i: number, provenance: unknown) => {
      mkdirSync(join(out, 'shards', String(i)), { recursive: true });
      writeFileSync(join(out, 'shards', String(i), 'provenance.json'), typeof provenance === 'string' ? provenance : JSON.stringify(provenance));
    };
    const done = (i: number, count = 6, notebook = sha256(text)) => ({
      format: 'gradgap-provenance',
      notebook: { sha256: notebook },
      shard: { index: i, count },
    });
    write(1, done(1));
    write(2, done(2, 5)); // from an earlier --tasks 5
    write(3, done(3, 6, sha256('another notebook')));
    write(4, '{"format": "gradgap-prov'); // cut off
    write(6, done(6));
    mkdirSync(join(out, 'shards/5/sweeps'), { recursive: true }); // a task stopped before its last write
    expect(missingShards(out, 6, sha256(text))).toEqual([2, 3, 4, 5]);
    expect(arrayList([2, 3, 4, 5])).toBe('2-5');
    expect(arrayList([1, 3, 4, 7, 9, 10])).toBe('1,3-4,7,9-10');
  });
});

describe('gradgap slurm --submit', () => {
  /** A stand-in sbatch on PATH: records its arguments, prints the next job id as --parsable does. */
  function fakeSbatch(): { env: Record<string, string>; calls: () => string[][] } {
    const bin = tempDir();
    const record = join(bin, 'calls');
    writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${record}'\necho "$(( $(wc -l < '${record}') + 40 ));cluster"\n`);
    chmodSync(join(bin, 'sbatch'), 0o755);
    return {
      env: { PATH: `${bin}:${process.env.PATH}` },
      calls: () =>
        readFileSync(record, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ')),
    };
  }

  it('submits the array, then the merge after it; again, only the shards not complete', async () => {
    const out = tempDir();
    const sbatch = fakeSbatch();
    const first = await gradgap(['slurm', NOTEBOOK, '--out', out, '--tasks', '3', '--submit'], sbatch.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/submitted shards 1-3 of 3 as job array 41, and the merge as job 42 after it \(afterok:41\)/);
    const scripts = join(out, 'slurm');
    expect(sbatch.calls()).toEqual([
      ['--parsable', join(scripts, 'array.sbatch')],
      ['--parsable', '--dependency=afterok:41', '--kill-on-invalid-dep=yes', join(scripts, 'merge.sbatch')],
    ]);
    // Shard 2 finished (its provenance.json is there); 1 and 3 did not.
    mkdirSync(join(out, 'shards/2'), { recursive: true });
    const text = readFileSync(NOTEBOOK, 'utf8');
    writeFileSync(
      join(out, 'shards/2/provenance.json'),
      JSON.stringify({ format: 'gradgap-provenance', notebook: { sha256: sha256(text) }, shard: { index: 2, count: 3 } }),
    );
    const again = await gradgap(['slurm', NOTEBOOK, '--out', out, '--tasks', '3', '--submit'], sbatch.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^same .*array\.sbatch$/m);
    expect(sbatch.calls().slice(2)).toEqual([
      ['--parsable', '--array=1,3', join(scripts, 'array.sbatch')],
      ['--parsable', '--dependency=afterok:43', '--kill-on-invalid-dep=yes', join(scripts, 'merge.sbatch')],
    ]);
  });

  it('keeps a script edited by hand, and refuses another --tasks for it', async () => {
    const out = tempDir();
    expect((await gradgap(['slurm', NOTEBOOK, '--out', out, '--tasks', '3'])).code).toBe(0);
    const path = join(out, 'slurm/array.sbatch');
    const edited = readFileSync(path, 'utf8').replace('#SBATCH --cpus-per-task=1', '#SBATCH --cpus-per-task=1\n#SBATCH --mem=4G');
    writeFileSync(path, edited);
    const again = await gradgap(['slurm', NOTEBOOK, '--out', out, '--tasks', '3']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^kept \(it differs: edited\?\) .*array\.sbatch$/m);
    expect(readFileSync(path, 'utf8')).toBe(edited);
    const other = await gradgap(['slurm', NOTEBOOK, '--out', out, '--tasks', '4']);
    expect(other.code).toBe(2);
    expect(reason(other)).toMatch(/--tasks 4: .*array\.sbatch is for 3 shards; remove it/);
  });

  it('without sbatch, says so (exit 1) after writing the scripts', async () => {
    const out = tempDir();
    const run = await gradgap(['slurm', NOTEBOOK, '--out', out, '--tasks', '2', '--submit'], { PATH: '/nonexistent' });
    expect(run.code).toBe(1);
    expect(reason(run)).toMatch(/sbatch not found on PATH/);
    expect(readFileSync(join(out, 'slurm/merge.sbatch'), 'utf8')).toMatch(/merge ".*\/shards\/"\{1\.\.2\}/);
  });
});
