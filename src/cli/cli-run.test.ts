/**
 * `gradgap run` and `gradgap verify` on a built-in notebook with each host, as a user runs them
 * (a child process of bin/gradgap.mjs): exit codes, the files left behind, verify passing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURE_TITLE_CLASS, KEY_ENTRY_CLASS, plotCellExtras } from '../plots/index.ts';
import { decodeBaked } from '../results/index.ts';
import { gradgap, snapshot, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';
import { readSweepJson } from './results-files.ts';

const NOTEBOOK = 'notebooks/threshold.html';
const EXPECTED = [
  'notebook.html',
  'plots/dist.svg',
  'plots/gap.svg',
  'plots/strip.svg',
  'plots/traj.svg',
  'provenance.json',
  'sweeps/sweep.cells.csv',
  'sweeps/sweep.json',
  'sweeps/sweep.runs.csv',
  'threshold.results.json',
];

describe.each(['dawn', 'chrome'])('gradgap run --host %s', (host) => {
  it('runs every sweep of a built-in notebook and writes results, plots and provenance', async () => {
    const out = tempDir();
    const run = await gradgap(['run', NOTEBOOK, '--out', out, '--host', host, '--spec', 'cell']);
    expect(run.stderr).toMatch(/sweep: 640 runs in/);
    expect(run.code).toBe(0);
    expect(listFiles(out)).toEqual(EXPECTED);

    const data = readSweepJson(readFileSync(join(out, 'sweeps/sweep.json'), 'utf8'));
    expect(data.runRange).toEqual([0, 640]);
    expect(data.cellStats).toHaveLength(10);
    const csv = readFileSync(join(out, 'sweeps/sweep.runs.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(641);
    expect(csv[0]).toMatch(
      /^run,cell,seed,stepSize,initialJ,finalJ,minJ,diverged,thetaNormFinal,updateNormFinal,expectedLengthFinal,meanLengthFinal,meanLengthPassingFinal,meanLengthFailingFinal,solvedShareFinal,lostShareFinal,clippedShareFinal,klReferenceFinal,gapNormFinal,J_0,J_10,/,
    );
    expect(readFileSync(join(out, 'sweeps/sweep.cells.csv'), 'utf8').trim().split('\n')).toHaveLength(11);
    for (const svg of ['dist', 'gap', 'strip', 'traj']) expect(readFileSync(join(out, `plots/${svg}.svg`), 'utf8')).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\n$/);
    // Each figure carries the title and key the page's SVG button exports with it (plotCellExtras).
    const traj = readFileSync(join(out, 'plots/traj.svg'), 'utf8');
    expect(traj).toContain(`class="${FIGURE_TITLE_CLASS}"`);
    expect(traj).toMatch(/>J\(t\): median, 10–90% band and mean per step size</);
    expect(traj).toMatch(/median over seeds: J\(t\)/);
    expect(traj.match(new RegExp(`class="${KEY_ENTRY_CLASS}"`, 'g'))?.length).toBe(plotCellExtras({ view: 'trajectories' }, []).key.length);

    const provenance = JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8'));
    expect(provenance.host).toBe(host);
    expect(provenance.wgslHash).toMatch(/^[0-9a-f]{64}$/);
    expect(provenance.packages['@observablehq/plot']).toMatch(/^\d/);
    expect(provenance.sweeps.sweep).toMatchObject({ specHash: data.specHash, masterSeed: 1, seedsPerCell: 64, runCount: 640 });
    expect(provenance.sweeps.sweep.backend.adapter).not.toBe('');
    expect(decodeBaked(readFileSync(join(out, 'threshold.results.json'), 'utf8')).sweeps.sweep.specHash).toBe(data.specHash);
  });

  it('verify re-runs the published seeds and matches the baked results', async () => {
    const run = await gradgap(['verify', NOTEBOOK, '--host', host]);
    expect(run.stdout).toMatch(/#sweep: Bit for bit: all 2560 runs and every J\(t\) identical/);
    expect(run.stdout).toMatch(/^verified: 1 sweeps/m);
    expect(run.code).toBe(0);
  });
});

describe('gradgap run on one host twice', () => {
  it('is bit-identical', async () => {
    const [a, b] = [tempDir(), tempDir()];
    for (const out of [a, b]) expect((await gradgap(['run', 'src/cli/fixtures/tiny.html', '--out', out, '--quiet'])).code).toBe(0);
    const results = listFiles(a).filter((f) => f.startsWith('sweeps/') || f.startsWith('plots/'));
    expect(results).toHaveLength(5);
    expect(snapshot(b, results)).toEqual(snapshot(a, results));
  });
});

describe('gradgap verify', () => {
  it('fails with a diff summary when the results differ', async () => {
    const out = tempDir();
    expect((await gradgap(['run', 'src/cli/fixtures/tiny.html', '--out', out, '--quiet'])).code).toBe(0);
    // Tamper with one run's final J in the baked file: bit for bit must catch it.
    const path = join(out, 'tiny.results.json');
    const baked = JSON.parse(readFileSync(path, 'utf8'));
    const bytes = Buffer.from(baked.sweeps.sweep.finalJ, 'base64');
    bytes.writeFloatLE(bytes.readFloatLE(0) * 0.5, 0);
    baked.sweeps.sweep.finalJ = bytes.toString('base64');
    writeFileSync(path, JSON.stringify(baked));
    const run = await gradgap(['verify', 'src/cli/fixtures/tiny.html', '--baked', path, '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #sweep: Not bit for bit: 1 of 96 runs differ/);
    expect(run.stderr).toMatch(/gradgap: verify failed: 1 of 1 sweeps do not match/);
  });

  it('says so when the notebook changed since baking', async () => {
    const out = tempDir();
    expect((await gradgap(['run', 'src/cli/fixtures/tiny.html', '--out', out, '--quiet'])).code).toBe(0);
    const edited = join(out, 'tiny.html');
    writeFileSync(edited, readFileSync('src/cli/fixtures/tiny.html', 'utf8').replace('"seeds": 24', '"seeds": 16'));
    const run = await gradgap(['verify', edited, '--baked', join(out, 'tiny.results.json'), '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH #sweep: the notebook's spec changed since baking/);
  });
});
