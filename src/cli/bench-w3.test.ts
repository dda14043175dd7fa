/**
 * `gradgap bench --workload W3` (bench-w3.ts): the twin spread over worker threads computes, run by
 * run, exactly what one thread computes (SHA-256 of each final θ), every repetition the same; the
 * WGSL column times the kernel only on a hardware adapter (here: says why not); a machine without Python or without torch
 * is told so and still gets the twin's rate. Rates themselves are not asserted (no timing tests).
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainTransformerGrpo } from '../engine/transformer-grpo.ts';
import { supervisedWarmStart } from '../engine/transformer-sft.ts';
import { F32, TransformerTwin, initialParameters, makeTaskSet, transformerModel } from '../model/index.ts';
import { DEFAULT_RUN } from '../spec/index.ts';
import { benchW3, w3Table } from './bench-w3.ts';
import { readW3Workload, w3Shape, w3TokensPerRunStep } from './bench-w3-workload.ts';

/** Run `run` of W3 on one thread in this process: warm start, then `iterations` GRPO steps. */
function finalThetaDigest(run: number, iterations: number): string {
  const w = readW3Workload();
  const model = transformerModel(w3Shape(w), F32);
  const twin = new TransformerTwin(model);
  const set = makeTaskSet({ task: w.task, V: w.V, promptLength: w.promptLength, N: w.N, heldOutPrompts: 0 }, 1, run);
  const theta = initialParameters(model.layout, 1, run);
  supervisedWarmStart(twin, theta, set, w);
  trainTransformerGrpo(twin, theta, set, { ...DEFAULT_RUN, ...w, iterations, recordEvery: iterations, seed: 1, run });
  return createHash('sha256').update(new Uint8Array(theta.buffer)).digest('hex');
}

describe('gradgap bench --workload W3', () => {
  it('W3 counts B·G·m sampled tokens a run-step', () => {
    expect(w3TokensPerRunStep(readW3Workload())).toBe(4 * 8 * 4);
  });

  it('the twin on 2 worker threads computes what one thread computes; no Python: says so, still reports the twin', async () => {
    const lines: string[] = [];
    const r = await benchW3({ threads: 2, twinRuns: 3, torchRuns: 4, reps: 2, iterations: 2, python: '/nonexistent/python3' }, (l) => lines.push(l));
    expect(r.twinDigests).toEqual([0, 1, 2].map((run) => finalThetaDigest(run, 2)));
    expect(r.twin.error).toBeUndefined();
    expect(r.twin.repSeconds).toHaveLength(2);
    expect(r.twin.runStepsPerS).toBeGreaterThan(0);
    expect(r.twin.tokensPerS).toBeCloseTo(r.twin.runStepsPerS * 128, 6);
    // This machine's Dawn offers llvmpipe or nothing: the kernel is not timed there, and the line says why.
    expect(r.wgsl.error).toMatch(/^(not timed: .* is a software adapter|no adapter: )/);
    expect(r.torch.error).toMatch(/no Python at \/nonexistent\/python3/);
    expect(r.twinOverTorch).toBeNull();
    const table = w3Table(r);
    expect(table.find((l) => l.includes('WGSL'))).toMatch(/not timed|no adapter/);
    expect(table.find((l) => l.includes('CPU twin'))).toMatch(/3 runs × 2 iterations; 2 reps/);
    expect(lines.some((l) => l.includes('warm start of 3 runs'))).toBe(true);
  }, 300_000);

  it('a Python without torch: says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'w3-notorch-'));
    const python = join(dir, 'python3');
    writeFileSync(python, `#!/bin/sh\necho "ModuleNotFoundError: No module named 'torch'" >&2\nexit 1\n`);
    chmodSync(python, 0o755);
    const r = await benchW3({ threads: 1, twinRuns: 1, torchRuns: 4, reps: 1, iterations: 1, python }, () => {});
    expect(r.torch.error).toMatch(/has no torch/);
    expect(Number.isFinite(r.twin.runStepsPerS)).toBe(true);
  }, 300_000);
});
