/**
 * `gradgap verify` against tampered baked files: the tiny fixture is baked by `gradgap run` on
 * the CPU twin (as `npm run bake` does), then the JSON is edited one way at a time. Each edit of
 * something a reader sees must fail — exit 1 (a mismatch) or 2 (a malformed or foreign file) —
 * with a message naming the sweep, the field and the cell or run; the untouched file passes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradgap, HANG_MS, reason, tempDir } from './cli-harness.ts';

const TINY = 'src/cli/fixtures/tiny.html'; // the CLI runs in the repository root
type Baked = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir = '';
let original = '';

beforeAll(async () => {
  dir = tempDir('gradgap-verify-');
  const run = await gradgap(['run', TINY, '--out', dir, '--backend', 'cpu', '--quiet']);
  expect(run.code, run.stderr).toBe(0);
  original = readFileSync(join(dir, 'tiny.results.json'), 'utf8');
}, HANG_MS);

let counter = 0;
/** Writes an edited copy of the baked file and verifies the fixture against it. */
async function verifyEdited(edit: (baked: Baked) => void, extra: string[] = [], notebook = TINY) {
  const baked = JSON.parse(original);
  edit(baked);
  const path = join(dir, `edited-${counter++}.results.json`);
  writeFileSync(path, JSON.stringify(baked, null, 1));
  const run = await gradgap(['verify', notebook, '--baked', path, '--quiet', ...extra]);
  return { ...run, all: `${run.stdout}\n${run.stderr}` };
}

/** Edits a little-endian float32 array stored as base64. */
function editFloats(text: string, edit: (values: Float32Array) => void): string {
  const bytes = Buffer.from(text, 'base64');
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  edit(values);
  return Buffer.from(values.buffer).toString('base64');
}

const sweep = (b: Baked) => b.sweeps.sweep;

/** Keeps the first `runs` runs of every per-run array of a baked sweep. */
function cutRuns(s: ReturnType<typeof sweep>, runs: number): void {
  for (const k of ['finalJ', 'minJ', 'initialJ'])
    s[k] = Buffer.from(s[k], 'base64')
      .subarray(0, runs * 4)
      .toString('base64');
  s.diverged = Buffer.from(s.diverged, 'base64').subarray(0, runs).toString('base64');
}

describe('gradgap verify against the untouched baked file', () => {
  it('passes bit for bit, covering statistics, bands, spec and seeds', async () => {
    const run = await verifyEdited(() => {});
    expect(run.stdout).toMatch(
      /#sweep: Bit for bit: all 96 runs and every J\(t\) identical \(same kind of adapter: CPU twin both times\); so are the cell statistics, the J\(t\) and ‖g‖\(t\) bands, the spec and its seeds\./,
    );
    expect(run.stdout).toMatch(/^verified: 1 sweeps/m);
    expect(run.code).toBe(0);
  });
});

describe('gradgap verify finds every kind of tampering', () => {
  it('an edited cellStats value (exit 1, names the cell and the statistic)', async () => {
    const run = await verifyEdited((b) => (sweep(b).cellStats[1].meanFinalJ += 0.01));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #sweep: Not bit for bit: 0 of 96 runs differ/);
    expect(run.stdout).toMatch(/#sweep cellStats: 1 value differs: cell 1 \(stepSize=2, L=6\) meanFinalJ: baked [\d.]+, re-run [\d.]+/);
    expect(reason(run)).toMatch(/verify failed: 1 of 1 sweeps do not match/);
  });

  it('an edited integer statistic: collapse count (exit 1)', async () => {
    const run = await verifyEdited((b) => (sweep(b).cellStats[3].collapsed += 1));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/cell 3 \(stepSize=60, L=6\) collapsed: baked \d+, re-run \d+/);
  });

  it('replaced J(t) bands (exit 1, names cell, step and quantity)', async () => {
    const run = await verifyEdited((b) => (sweep(b).bands = editFloats(sweep(b).bands, (v) => v.fill(0.5))));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/#sweep J\(t\) bands: \d+ of 80 values differ: cell 0 \(stepSize=2, L=2\) step 0 q10: baked 0\.5, re-run [\d.]+/);
  });

  it('replaced gradient-gap bands (exit 1)', async () => {
    const run = await verifyEdited((b) => (sweep(b).gapBands = editFloats(sweep(b).gapBands, (v) => v.reverse())));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/#sweep ‖g‖\(t\) bands: \d+ of 80 values differ: cell 0 \(stepSize=2, L=2\) step 0 /);
  });

  it('one per-run value changed: min J of one run (exit 1, names the run, its cell and seed)', async () => {
    const run = await verifyEdited((b) => (sweep(b).minJ = editFloats(sweep(b).minJ, (v) => (v[29] *= 0.5))));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #sweep: Not bit for bit: 1 of 96 runs differ/);
    expect(run.stdout).toMatch(/#sweep minJ: 1 of 96 runs differ: run 29 \(cell 1 \(stepSize=2, L=6\), seed 5\) baked [\d.e-]+, re-run [\d.e-]+/);
  });

  it('a divergence flag flipped (exit 1)', async () => {
    const run = await verifyEdited((b) => {
      const flags = Buffer.from(sweep(b).diverged, 'base64');
      flags[7] ^= 1;
      sweep(b).diverged = flags.toString('base64');
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/#sweep diverged: 1 of 96 runs differ: run 7 \(cell 0 \(stepSize=2, L=2\), seed 7\)/);
  });

  it('runs cut to 2 of 4 cells, arrays only (exit 2: the arrays no longer fit the spec)', async () => {
    const run = await verifyEdited((b) => {
      const s = sweep(b);
      cutRuns(s, 48);
    });
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/sweep "sweep" finalJ: 48 runs, but the spec has 4 cells × 24 seeds = 96/);
  });

  it('runs cut to 2 of 4 cells with the spec, statistics and bands cut to match (exit 1: spec and run count)', async () => {
    const run = await verifyEdited((b) => {
      const s = sweep(b);
      cutRuns(s, 48);
      const cutBands = (text: string) =>
        Buffer.from(text, 'base64')
          .subarray(0, 2 * 5 * 4 * 4)
          .toString('base64'); // 2 cells × 5 steps × 4 fields
      for (const k of ['bands', 'gapBands', 'updateBands']) s[k] = cutBands(s[k]);
      for (const k of Object.keys(s.lengthBands ?? {})) s.lengthBands[k] = cutBands(s.lengthBands[k]);
      s.cellStats = s.cellStats.slice(0, 2);
      s.spec.grid.stepSize = [2];
      s.runsDone = 48;
    });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/Bit for bit: all/);
    expect(run.stdout).toMatch(/#sweep spec \(with its seeds\): 1 field differs: spec\.grid\.stepSize: baked \[2\], re-run \[2,60\]/);
    expect(run.stdout).toMatch(/#sweep run count: baked 48 runs, re-run 96/);
    expect(run.stdout).toMatch(/#sweep cellStats: baked 2 cells, re-run 4/);
  });

  it('the run count changed (runsDone) (exit 1)', async () => {
    const run = await verifyEdited((b) => (sweep(b).runsDone = 48));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/#sweep runsDone: baked 48, re-run 96/);
  });

  it('the spec changed, its hash left alone (exit 1, names the field)', async () => {
    const run = await verifyEdited((b) => (sweep(b).spec.base.G = 4));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/#sweep spec \(with its seeds\): 1 field differs: spec\.base\.G: baked 4, re-run 8/);
  });

  it('the spec hash changed (exit 1: the notebook is not what was baked)', async () => {
    const run = await verifyEdited((b) => (sweep(b).specHash = 'f'.repeat(64)));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #sweep: the notebook's spec changed since baking \(baked ffffffffffff…/);
  });

  it('the seeds block changed, not the spec (exit 2: the file contradicts itself)', async () => {
    const run = await verifyEdited((b) => (sweep(b).seeds.masterSeed = 2));
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/sweep "sweep" seeds\.masterSeed: 2 but the spec has seed = 1/);
  });

  it('the seeds changed in both the seeds block and the spec (exit 1)', async () => {
    const run = await verifyEdited((b) => {
      sweep(b).seeds.masterSeed = 2;
      sweep(b).spec.seed = 2;
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/#sweep spec \(with its seeds\): 1 field differs: spec\.seed: baked 2, re-run 1/);
  });

  it('seeds per cell changed with the arrays cut to fit (exit 1)', async () => {
    const run = await verifyEdited((b) => {
      const s = sweep(b);
      s.seeds.perCell = s.spec.seeds = 12;
      for (const k of ['finalJ', 'minJ', 'initialJ'])
        s[k] = Buffer.from(s[k], 'base64')
          .subarray(0, 48 * 4)
          .toString('base64');
      s.diverged = Buffer.from(s.diverged, 'base64').subarray(0, 48).toString('base64');
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/spec\.seeds: baked 12, re-run 24/);
    expect(run.stdout).toMatch(/run count: baked 48 runs, re-run 96/);
  });

  it('an extra sweep the notebook does not have (exit 1)', async () => {
    const run = await verifyEdited((b) => (b.sweeps.extra = structuredClone(sweep(b))));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #extra: in .* but not a sweep cell of/);
    expect(reason(run)).toMatch(/verify failed: 1 of 2 sweeps do not match/);
  });

  it('a baked file of another notebook (exit 2, refused before running)', async () => {
    const run = await gradgap(['verify', TINY, '--baked', 'notebooks/threshold.results.json', '--quiet']);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/threshold\.results\.json: holds the baked results of notebook "threshold\.html", not of "tiny\.html"; refusing/);
  });

  it('a baked file that names this notebook but holds none of its sweeps (exit 2)', async () => {
    const run = await verifyEdited((b) => {
      b.sweeps.other = sweep(b);
      delete b.sweeps.sweep;
    });
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/none of its sweeps \(#other\) is a sweep cell of tiny\.html \(#sweep\)/);
  });

  it('an unknown top-level key (exit 2)', async () => {
    const run = await verifyEdited((b) => (b.note = 'trust me'));
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/the file: unknown key "note"/);
  });

  it('an unknown key in a sweep (exit 2)', async () => {
    const run = await verifyEdited((b) => (sweep(b).thetaNorm = ''));
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/sweep "sweep": unknown key "thetaNorm"/);
  });

  it('a missing field: the cell statistics (exit 2)', async () => {
    const run = await verifyEdited((b) => delete sweep(b).cellStats);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/sweep "sweep": missing "cellStats"/);
  });

  it('a missing field: one statistic of one cell (exit 2)', async () => {
    const run = await verifyEdited((b) => delete sweep(b).cellStats[2].q90);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/sweep "sweep" cellStats\[2\]: missing "q90"/);
  });

  it('a missing field: the provenance (exit 2)', async () => {
    const run = await verifyEdited((b) => delete b.provenance);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(/the file: missing "provenance"/);
  });

  it('relabelled as a GPU, its runs the twin’s: still bit for bit, so an edited statistic fails (exit 1)', async () => {
    const run = await verifyEdited((b) => {
      sweep(b).backend = { ...sweep(b).backend, kind: 'webgpu', adapter: 'Some GPU', threads: 1 };
      sweep(b).cellStats[0].q50 += 1e-3;
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /MISMATCH #sweep: Not bit for bit: 0 of 96 runs differ in some bit \(the file says WebGPU on Some GPU, but its runs are the CPU twin's bit for bit/,
    );
    expect(run.stdout).toMatch(/#sweep cellStats: 1 value differs: cell 0 \(stepSize=2, L=2\) q50: baked [\d.]+, re-run [\d.]+/);
  });

  it('a GPU file (J(θ0) a few ulps off), baked statistics that are not those of the baked runs (exit 1)', async () => {
    const run = await verifyEdited((b) => {
      sweep(b).backend = { ...sweep(b).backend, kind: 'webgpu', adapter: 'Some GPU', threads: 1 };
      sweep(b).initialJ = editFloats(sweep(b).initialJ, (v) => v.forEach((x, i) => (v[i] = Math.fround(x * (1 + 2 ** -21)))));
      sweep(b).cellStats[0].q50 += 1e-3;
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #sweep: Does not match: 96 of 96 runs on the re-run's path .*baked on WebGPU on Some GPU, re-run on CPU twin/);
    expect(run.stdout).toMatch(
      /#sweep cellStats: 1 value is not those of the baked runs: cell 0 \(stepSize=2, L=2\) q50: baked [\d.]+, but its runs give [\d.]+/,
    );
  });
});
