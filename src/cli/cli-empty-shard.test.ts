/**
 * More shards than runs: the empty shards exit 0, say so, and write empty-but-valid results, so
 * `gradgap merge` of all n shards still gives exactly what one unsharded run writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradgap, HANG_MS, snapshot, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';
import { readSweepJson } from './results-files.ts';

describe('an empty shard', () => {
  it('of a 4-run sweep in 6 shards writes empty results that merge joins', async () => {
    const dir = tempDir();
    const nb = join(dir, 'four.html');
    const sweep = {
      base: { V: 8, d: 6, L: 2, J0: 0.2, G: 8, stepSize: 2, advantage: 'group-std', aggregation: 'seq-sum', iterations: 10, recordEvery: 10 },
      seeds: 4,
    };
    writeFileSync(
      nb,
      `<!doctype html>\n<notebook version="1">\n  <title>four runs</title>\n  <script id="sweep" type="application/vnd.gradgap.sweep+json">${JSON.stringify(sweep)}</script>\n</notebook>\n`,
    );
    const whole = join(dir, 'whole');
    const shards = [1, 2, 3, 4, 5, 6].map((i) => join(dir, `shard${i}`));
    const bound = { timeoutMs: HANG_MS };
    const runs = [await gradgap(['run', nb, '--out', whole, '--backend', 'cpu', '--threads', '2'], {}, bound)];
    for (const [i, out] of shards.entries())
      runs.push(await gradgap(['run', nb, '--out', out, '--backend', 'cpu', '--threads', '2', '--shard', `${i + 1}/6`], {}, bound));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    // Shards 1 and 4 of 6 hold none of the 4 runs (ranges [0, 0) and [2, 2)).
    expect(runs[1].stderr).toMatch(/sweep: shard 1\/6 holds none of its 4 runs \(more shards than runs\); writing empty results/);
    expect(runs[4].stderr).toMatch(/shard 4\/6 holds none of its 4 runs/);
    const empty = readSweepJson(readFileSync(join(shards[0], 'sweeps/sweep.json'), 'utf8'));
    expect(empty.runRange).toEqual([0, 0]);
    expect(empty.runCount).toBe(4);
    expect(listFiles(shards[0])).toEqual(listFiles(shards[1]));

    const merged = join(dir, 'merged');
    const merge = await gradgap(['merge', ...shards.reverse(), '--out', merged], {}, bound);
    expect(merge.code, merge.stderr).toBe(0);
    const files = listFiles(whole).filter((f) => f.startsWith('sweeps/'));
    expect(files).toHaveLength(3);
    expect(listFiles(merged)).toEqual(listFiles(whole));
    expect(snapshot(merged, files)).toEqual(snapshot(whole, files));
    // The merged provenance names the backend that ran, not the empty shards' "nothing ran".
    expect(JSON.parse(readFileSync(join(merged, 'provenance.json'), 'utf8')).sweeps.sweep.backend.reason).toBe('user override: CPU twin');
  });
});
