/**
 * The two hosts agree on the same notebook and seeds: with the WGSL engine on each host's own
 * adapter (Chromium's SwiftShader, Dawn's OpenGL ES on llvmpipe), runs follow the same sampled
 * tokens apart from float ties, and per-cell statistics agree within sampling error. The rate of
 * runs that took another path is reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, gradgap, HANG_MS, snapshot, tempDir } from './cli-harness.ts';
import { pathDifferences } from './path-differences.ts';
import { readSweepJson, type SweepData } from './results-files.ts';

const NOTEBOOK = join(FIXTURES, 'tiny.html');

describe('chrome and dawn hosts', () => {
  const outs = { chrome: tempDir(), dawn: tempDir() };
  const data: Record<string, SweepData> = {};

  beforeAll(async () => {
    for (const [host, out] of Object.entries(outs)) {
      const run = await gradgap(['run', NOTEBOOK, '--out', out, '--host', host, '--backend', 'webgpu', '--quiet']);
      expect(run.code, run.stderr).toBe(0);
      data[host] = readSweepJson(readFileSync(join(out, 'sweeps/sweep.json'), 'utf8'));
    }
  }, HANG_MS);

  it('ran the WGSL engine on two different adapters', () => {
    const adapters = Object.values(outs).map((out) => JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8')).sweeps.sweep.backend);
    expect(adapters.map((b) => b.kind)).toEqual(['webgpu', 'webgpu']);
    expect(adapters[0].adapter).not.toBe(adapters[1].adapter);
  });

  it('follow the same sampled tokens apart from float ties', () => {
    const { chrome, dawn } = data;
    const d = pathDifferences(chrome.runs, dawn.runs);
    console.info(`chrome (${'SwiftShader'}) vs dawn (GL ES): ${d.differing} of ${d.runs} runs took another path (${(d.rate * 100).toFixed(2)}%)`);
    expect(d.runs).toBe(96);
    expect(d.rate).toBeLessThanOrEqual(0.05);
    // Same instances and θ0 on both: J(θ0) is computed, not sampled, so it agrees to f32 noise.
    for (let r = 0; r < d.runs; r++) expect(Math.abs(chrome.runs.initialJ[r] - dawn.runs.initialJ[r])).toBeLessThan(1e-5);
  });

  it('agree within sampling error, and verify says so (statistical, not bit for bit)', async () => {
    const run = await gradgap(['verify', NOTEBOOK, '--baked', join(outs.chrome, 'tiny.results.json'), '--host', 'dawn', '--backend', 'webgpu', '--quiet']);
    expect(run.stdout).toMatch(
      /#sweep: Within sampling error: 4 of 4 cells agree .*baked on WebGPU on google \/ swiftshader, re-run on WebGPU on llvmpipe.* runs took another path/,
    );
    expect(run.code).toBe(0);
  });
});

describe('chrome and dawn hosts on the CPU twin', () => {
  it(
    "stream byte-identical results files (the page's chunks cross to Node as they finish)",
    async () => {
      const outs = { chrome: tempDir(), dawn: tempDir() };
      for (const [host, out] of Object.entries(outs)) {
        const run = await gradgap(['run', NOTEBOOK, '--out', out, '--host', host, '--backend', 'cpu', '--threads', '2', '--quiet']);
        expect(run.code, run.stderr).toBe(0);
      }
      const files = ['sweeps/sweep.json', 'sweeps/sweep.runs.csv', 'sweeps/sweep.cells.csv', 'plots/phase.svg', 'plots/traj.svg'];
      expect(snapshot(outs.chrome, files)).toEqual(snapshot(outs.dawn, files));
    },
    HANG_MS,
  );
});
