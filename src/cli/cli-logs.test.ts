/**
 * `gradgap run` on a notebook with a logs cell: it reads the files relative to the notebook,
 * writes the per-run summary CSV and the logs plots, and copies the files beside notebook.html
 * so that `gradgap merge` of shards reads the same runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradgap, HANG_MS, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';

const NOTEBOOK = 'notebooks/real-runs.html';

describe('gradgap run on a notebook with logs', () => {
  it(
    'writes the per-run summary CSV and every plot, and merges shards to the same',
    async () => {
      const out = tempDir();
      const run = await gradgap(['run', NOTEBOOK, '--out', out, '--spec', 'cell', '--backend', 'cpu', '--quiet']);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(listFiles(out)).toEqual([
        'data/grpo-lr-sweep.csv',
        'logs/runs.summary.csv',
        'notebook.html',
        'plots/beside.svg',
        'plots/outcome.svg',
        'plots/traj.svg',
        'provenance.json',
        'real-runs.results.json',
        'sweeps/sweep.cells.csv',
        'sweeps/sweep.json',
        'sweeps/sweep.runs.csv',
      ]);
      const csv = readFileSync(join(out, 'logs/runs.summary.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe(
        'label,learning_rate,learning_rate_source,metric,start,start_step,peak,peak_step,final,final_step,last_step,outcome,reason,learning_rate_from,critical_learning_rate,critical_interval_low,critical_interval_high,critical_result',
      );
      // The critical learning rate is printed, and written on every row with its interval (7e-5, 2e-4].
      expect(run.stdout).toMatch(/^logs "runs": answer_accuracy over 9 run\(s\): real critical learning rate 2e-4 \(between 7e-5 and 2e-4\)$/m);
      expect(run.stdout).toMatch(
        /^ {2}qwen2\.5-0\.5b-grpo-lr7e-5: learning rate 0\.00007 \(the largest logged learning_rate\); degraded \(final 0\.21 < 0\.8 × peak 0\.61\)$/m,
      );
      expect(csv).toHaveLength(10);
      expect(csv[8]).toMatch(
        /^qwen2\.5-0\.5b-grpo-lr7e-5,0\.00007,log,answer_accuracy,0\.08,0,0\.6103,30,0\.21,100,100,degraded,final 0\.21 < 0\.8 × peak 0\.61,the largest logged learning_rate,0\.0002,0\.00007,0\.0002,2e-4 \(between 7e-5 and 2e-4\)$/,
      );
      expect(csv[9]).toMatch(/,collapsed,final 0 < 0\.5 × start 0\.08,/);
      for (const svg of ['traj', 'outcome', 'beside']) expect(readFileSync(join(out, `plots/${svg}.svg`), 'utf8')).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\n$/);
      expect(readFileSync(join(out, 'plots/beside.svg'), 'utf8')).toMatch(/Real critical learning rate lr\*: 2e-4 \(between 7e-5 and 2e-4\)/);
      expect(JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8')).logs.runs).toEqual([
        { file: 'data/grpo-lr-sweep.csv', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ]);

      const [a, b, merged] = [tempDir(), tempDir(), tempDir()];
      for (const [dir, shard] of [
        [a, '1/2'],
        [b, '2/2'],
      ])
        expect((await gradgap(['run', NOTEBOOK, '--out', dir, '--spec', 'cell', '--backend', 'cpu', '--quiet', '--shard', shard])).code).toBe(0);
      expect((await gradgap(['merge', a, b, '--out', merged, '--quiet'])).code).toBe(0);
      expect(readFileSync(join(merged, 'logs/runs.summary.csv'), 'utf8')).toBe(readFileSync(join(out, 'logs/runs.summary.csv'), 'utf8'));
      expect(listFiles(merged)).toContain('plots/beside.svg');
    },
    HANG_MS,
  );
});
