/** `--shard i/n` and `gradgap merge`: shards join into byte-identical output of one unsharded run. */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, gradgap, HANG_MS, reason, snapshot, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';

const NOTEBOOK = join(FIXTURES, 'tiny.html');

describe('shard and merge', () => {
  const whole = tempDir();
  const shards = [1, 2, 3].map(() => tempDir());

  beforeAll(async () => {
    const runs = await Promise.all([
      gradgap(['run', NOTEBOOK, '--out', whole, '--backend', 'cpu', '--quiet']),
      // 96 runs in 3 shards of 32: the 24-seed cells straddle shard boundaries.
      ...shards.map((dir, i) => gradgap(['run', NOTEBOOK, '--out', dir, '--backend', 'cpu', '--shard', `${i + 1}/3`, '--quiet'])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
  }, HANG_MS);

  it('a shard holds its run range and no plots', () => {
    expect(listFiles(shards[1])).toEqual(['notebook.html', 'provenance.json', 'sweeps/sweep.cells.csv', 'sweeps/sweep.json', 'sweeps/sweep.runs.csv']);
  });

  it('merging the shards, in any order, gives byte-identical results and plots', async () => {
    const merged = tempDir();
    const run = await gradgap(['merge', shards[2], shards[0], shards[1], '--out', merged]);
    expect(run.code, run.stderr).toBe(0);
    const files = listFiles(whole).filter((f) => f.startsWith('sweeps/') || f.startsWith('plots/'));
    expect(files).toEqual(['plots/phase.svg', 'plots/traj.svg', 'sweeps/sweep.cells.csv', 'sweeps/sweep.json', 'sweeps/sweep.runs.csv']);
    expect(listFiles(merged)).toEqual(listFiles(whole));
    expect(snapshot(merged, files)).toEqual(snapshot(whole, files));
  });

  it('a missing shard is bad input, and nothing is written', async () => {
    const merged = join(tempDir(), 'out');
    const run = await gradgap(['merge', shards[0], shards[2], '--out', merged]);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/runs \[32, 64\) are in no shard given/);
    expect(() => listFiles(merged)).toThrow(/ENOENT/);
  });

  it('a shard given twice is bad input', async () => {
    const copy = tempDir();
    cpSync(shards[1], copy, { recursive: true });
    const run = await gradgap(['merge', ...shards, copy, '--out', tempDir()]);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/overlap/);
  });

  it('a directory that is not a run output is bad input', async () => {
    const broken = tempDir();
    cpSync(shards[0], broken, { recursive: true });
    rmSync(join(broken, 'provenance.json'));
    const run = await gradgap(['merge', broken, shards[1], shards[2], '--out', tempDir()]);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/no provenance\.json/);
  });
});
