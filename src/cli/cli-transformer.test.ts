/**
 * `gradgap run` and `gradgap verify` of a transformer sweep (SPEC 1.10, issue 22), in-process on
 * the CPU twin: exit 0, the runs CSV with held-out J and the warm start's columns, the cells CSV
 * with each cell's count of runs that never reached J0, the sweep JSON, the phase diagram, and
 * verify passing bit for bit against the results it wrote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradgap, gradgapInProcess, HANG_MS, snapshot, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';
import { readSweepJson } from './results-files.ts';
import { THEORY_STYLES } from '../plots/theory-styles.ts';
import { expandGrid } from '../engine/index.ts';
import { TRANSFORMER_THRESHOLD_LABEL, transformerThresholdCurves } from '../theory/index.ts';

const FIXTURE = 'src/cli/fixtures/transformer.html'; // the CLI runs in the repository root

describe('gradgap run of a transformer sweep', () => {
  it(
    'exits 0 and writes the runs CSV, the results JSON and the phase diagram; verify passes on them',
    async () => {
      const out = tempDir();
      const run = await gradgapInProcess(['run', FIXTURE, '--out', out, '--backend', 'cpu', '--threads', '1', '--quiet']);
      expect(run.code, run.stderr).toBe(0);
      expect(listFiles(out)).toEqual([
        'notebook.html',
        'plots/heldout.svg',
        'plots/phase.svg',
        'plots/traj.svg',
        'provenance.json',
        'sweeps/sweep.cells.csv',
        'sweeps/sweep.json',
        'sweeps/sweep.runs.csv',
        'transformer.results.json',
      ]);
      const runs = readFileSync(join(out, 'sweeps/sweep.runs.csv'), 'utf8').trim().split('\n');
      expect(runs).toHaveLength(1 + 8);
      const header = runs[0].split(',');
      expect(header).toEqual(expect.arrayContaining(['sftSteps', 'sftJ', 'sftReached', 'J_0', 'J_3', 'J_6', 'heldOutJ_0', 'heldOutJ_3', 'heldOutJ_6']));
      const row = Object.fromEntries(runs[1].split(',').map((v, i) => [header[i], v]));
      expect(row.sftReached).toBe('1');
      expect(row.J_0).toBe(row.sftJ); // J after the warm start is the run's J(0)
      expect(Number(row.sftJ)).toBeGreaterThanOrEqual(0.3);
      expect(Number(row.heldOutJ_6)).toBeGreaterThanOrEqual(0);
      const cells = readFileSync(join(out, 'sweeps/sweep.cells.csv'), 'utf8').trim().split('\n');
      expect(cells[0].split(',').at(-1)).toBe('unreached');
      expect(cells).toHaveLength(1 + 4);
      const data = readSweepJson(readFileSync(join(out, 'sweeps/sweep.json'), 'utf8'));
      expect(data.spec.base.policy).toBe('transformer');
      expect(Array.from(data.runs.sftReached)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      expect(data.cellStats.map((s) => s.unreached)).toEqual([0, 0, 0, 0]);
      const phase = readFileSync(join(out, 'plots/phase.svg'), 'utf8');
      expect(phase).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\n$/);
      expect(phase).toMatch(/initial success rate J₀/);
      expect(phase).toMatch(/step size η/);
      // The predicted one-step threshold over it (the theory cell names the sweep; the curve is the runs' oneStepThreshold summarized).
      expect(header).toContain('oneStepThreshold');
      const eta = data.runs.oneStepThreshold;
      expect(Array.from(eta).every((v) => v > 0)).toBe(true); // every run reached J0, plain SGD: a prediction each
      // η does not change a seed's value: each cell's seeds as those of the cell at the same J0.
      const grid = expandGrid(data.spec);
      for (const cell of grid) {
        const twin = grid.find((c) => c.params.J0 === cell.params.J0)!;
        expect(Array.from(eta.subarray(cell.index * 2, cell.index * 2 + 2))).toEqual(Array.from(eta.subarray(twin.index * 2, twin.index * 2 + 2)));
      }
      expect(Math.fround(Number(row.oneStepThreshold))).toBe(eta[0]); // the CSV's shortest f32 text
      const curve = transformerThresholdCurves(data.spec, eta, {});
      expect(curve.curves).toHaveLength(1);
      expect(phase).toContain(TRANSFORMER_THRESHOLD_LABEL);
      const drawn = curve.curves[0].points.length;
      expect(drawn).toBeGreaterThan(0);
      // The curve's line (a group in its dash and colour, not only the key's swatch) and its band, with the band's key entry.
      const { stroke, dash } = THEORY_STYLES['one-step'];
      expect(phase).toMatch(new RegExp(`<g stroke-dasharray="${dash}"[^>]*stroke="${stroke}"`));
      expect(phase).toMatch(/<g [^>]*class="theory-band"/);
      expect(phase).toContain('band of the one-step prediction over seeds (quartiles)');
      console.log(`one-step thresholds per run: ${Array.from(eta, (v) => v.toPrecision(4)).join(', ')}; points drawn: ${drawn}`);

      // Held-out J drawn as J(t) is, beside it.
      const heldOut = readFileSync(join(out, 'plots/heldout.svg'), 'utf8');
      expect(heldOut).toMatch(/held-out J \(exact, prompts never trained on\)/);
      expect(heldOut).toMatch(/median over seeds: held-out J\(t\)/);

      const verify = await gradgapInProcess(['verify', FIXTURE, '--baked', join(out, 'transformer.results.json'), '--threads', '1', '--quiet']);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/#sweep: Bit for bit: all 8 runs and every J\(t\) identical/);
    },
    HANG_MS,
  );

  it(
    'in 3 shards (cells straddling them) merges into byte-identical runs, cells, JSON and plots (child processes: SVG ids count per process)',
    async () => {
      const whole = tempDir();
      const shards = [tempDir(), tempDir(), tempDir()];
      expect((await gradgap(['run', FIXTURE, '--out', whole, '--backend', 'cpu', '--threads', '1', '--quiet'])).code).toBe(0);
      for (const [i, dir] of shards.entries())
        expect((await gradgap(['run', FIXTURE, '--out', dir, '--backend', 'cpu', '--threads', '1', '--shard', `${i + 1}/3`, '--quiet'])).code).toBe(0);
      const merged = tempDir();
      const merge = await gradgap(['merge', shards[2], shards[0], shards[1], '--out', merged]);
      expect(merge.code, merge.stderr).toBe(0);
      const files = listFiles(whole).filter((f) => f.startsWith('sweeps/') || f.startsWith('plots/'));
      expect(files).toHaveLength(6);
      expect(snapshot(merged, files)).toEqual(snapshot(whole, files));
    },
    HANG_MS,
  );
});
