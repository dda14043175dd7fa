/**
 * The twin's PPO loop (SPEC 1.9) against the float64 reference written apart from it
 * (ppo-reference.ts): θ after μ × M updates on fixed batches, and over training on the twin's
 * batches; μ = M = 1 with β = 0 through the loop's own code is today's step.
 */
import { describe, expect, it } from 'vitest';
import { initialTheta, makeInstance } from '../model/index.ts';
import { DEFAULT_RUN, effectiveDim, recordSteps, type RunParams } from '../spec/index.ts';
import { packInstance, NO_EOS, type PackedInstance } from './packing.ts';
import { computePolicy, ppoSampledStep, sampledStep, simulateRun, RunScratch } from './sequence-cpu.ts';
import { referenceKl } from './ppo-update.ts';
import { newRunRecord } from './run-outputs.ts';
import { logPolicy, referenceIteration, type ReferenceBatch, type ReferenceLoop } from './ppo-reference.ts';
import { relativeError } from '../theory/test-fixtures.ts';

const BASE: RunParams = { ...DEFAULT_RUN, V: 6, d: 5, L: 5, G: 6, J0: 0.3, N: 4, B: 4, advantage: 'group-std', iterations: 30, recordEvery: 5 };

function setup(p: RunParams, seedIndex = 0) {
  const model = makeInstance({ ...p, d: effectiveDim(p) }, 9, seedIndex);
  const inst = packInstance(model);
  return { inst, theta0: Float32Array.from(initialTheta(model, p)) };
}

function referenceOf(p: RunParams): ReferenceLoop {
  return {
    G: p.G,
    B: p.B,
    epochs: p.ppoEpochs,
    miniBatches: p.miniBatches,
    clipLow: p.clipLow,
    clipHigh: p.clipHigh,
    dualClip: p.dualClip,
    klCoef: p.klCoef,
    estimator: p.klEstimator,
    stepSize: p.stepSize,
    aggregation: p.aggregation,
    advantage: p.advantage as 'group-std' | 'mean',
    epsilon: p.epsilon,
  };
}

function batchOf(inst: PackedInstance, step: { tokens: Int32Array; lengths: Int32Array; prompts: Int32Array; rewards: Float32Array }): ReferenceBatch {
  return { P: inst.P, K: inst.K, d: inst.d, L: inst.L, phi: inst.phi, eos: inst.eos === NO_EOS ? null : inst.eos, ...step, starts: step.prompts };
}

const CONFIGS: [string, Partial<RunParams>][] = [
  ['μ = 4, M = 1, β = 0', { ppoEpochs: 4, stepSize: 30 }],
  ['μ = 2, M = 2, clip-higher 0.28, dual clip 3', { ppoEpochs: 2, miniBatches: 2, clipHigh: 0.28, dualClip: 3, stepSize: 40 }],
  ['μ = 1, M = 4, β = 0.05 k3, Dr. GRPO constant', { miniBatches: 4, klCoef: 0.05, advantage: 'mean', aggregation: 'constant', stepSize: 100 }],
  ['μ = 3, M = 2, β = 0.02 k1, token-mean', { ppoEpochs: 3, miniBatches: 2, klCoef: 0.02, klEstimator: 'k1', aggregation: 'token-mean', stepSize: 60 }],
  [
    'μ = 4, β = 0.01, EOS final answer, seq-mean-token-mean',
    { ppoEpochs: 4, klCoef: 0.01, eos: true, N: 1, B: 1, L: 6, targetLength: 3, reward: 'final-answer', aggregation: 'seq-mean-token-mean', stepSize: 20 },
  ],
];

describe('the PPO loop against a float64 reference written apart (SPEC 1.9)', () => {
  for (const [name, fields] of CONFIGS) {
    it(`${name}: θ after one batch's updates, on fixed batches, and the clipped share`, () => {
      const p = { ...BASE, ...fields };
      let clippedSeen = 0;
      for (let seedIndex = 0; seedIndex < 3; seedIndex++) {
        const { inst, theta0 } = setup(p, seedIndex);
        // A θ some way from θ0, so that π_ref ≠ π_old and the KL acts from the first update.
        const theta = Float32Array.from(theta0, (v, k) => v + 0.3 * Math.sin(k + seedIndex));
        for (let step = 0; step < 4; step++) {
          const twin = ppoSampledStep(p, inst, theta, theta0, 9, seedIndex, step);
          const ref = referenceIteration(batchOf(inst, twin), theta, theta0, referenceOf(p));
          const moved = Float64Array.from(ref.theta, (v, k) => v - theta[k]);
          const twinMoved = Float64Array.from(twin.theta, (v, k) => v - theta[k]);
          expect(relativeError(twinMoved, moved), `seed ${seedIndex} step ${step}`).toBeLessThan(1e-3);
          expect(Math.abs(twin.clippedShare - ref.clippedShare)).toBeLessThan(0.02);
          clippedSeen += ref.clippedShare;
        }
      }
      if (p.ppoEpochs * p.miniBatches > 1) expect(clippedSeen, 'the clip acted somewhere').toBeGreaterThan(0);
    });
  }

  it('μ = M = 1, β = 0 through the loop’s own code is today’s step θ + η·w', () => {
    const p = { ...BASE, stepSize: 7 };
    const { inst, theta0 } = setup(p);
    for (let step = 0; step < 5; step++) {
      const today = sampledStep(p, inst, theta0, 9, 0, step);
      const loop = ppoSampledStep(p, inst, theta0, theta0, 9, 0, step);
      const expected = Float32Array.from(theta0, (v, k) => Math.fround(v + Math.fround(p.stepSize) * today.w[k]));
      expect(
        relativeError(
          Float64Array.from(loop.theta, (v, k) => v - theta0[k]),
          Float64Array.from(expected, (v, k) => v - theta0[k]),
        ),
      ).toBeLessThan(1e-5);
      expect(loop.clippedShare).toBe(0);
    }
  });

  it('over training: 30 iterations of μ = 4, M = 2, β = 0.01 on the twin’s batches stay with the reference', () => {
    const p = { ...BASE, ppoEpochs: 4, miniBatches: 2, klCoef: 0.01, stepSize: 20 };
    const { inst, theta0 } = setup(p, 1);
    let twinTheta = Float32Array.from(theta0);
    let refTheta: Float64Array = Float64Array.from(theta0);
    for (let step = 0; step < 30; step++) {
      const twin = ppoSampledStep(p, inst, twinTheta, theta0, 9, 1, step);
      refTheta = referenceIteration(batchOf(inst, twin), refTheta, theta0, referenceOf(p)).theta;
      twinTheta = Float32Array.from(twin.theta);
    }
    const moved = Float64Array.from(refTheta, (v, k) => v - theta0[k]);
    expect(
      relativeError(
        Float64Array.from(twinTheta, (v, k) => v - theta0[k]),
        moved,
      ),
    ).toBeLessThan(1e-3);
  });

  it('simulateRun records the clipped share and KL(π_θ ‖ π_θ0): 0 at step 0, positive once trained, NaN KL outside the loop', () => {
    const p = { ...BASE, ppoEpochs: 4, klCoef: 0.001, stepSize: 20 };
    const { inst, theta0 } = setup(p);
    const steps = recordSteps(p.iterations, p.recordEvery);
    const out = simulateRun(p, inst, theta0, 9, 0, steps, newRunRecord(steps.length), new RunScratch(inst, p));
    expect(out.klReference[0]).toBe(0);
    expect(out.clippedShare[0]).toBe(0);
    expect(Math.max(...out.klReference.subarray(1))).toBeGreaterThan(0);
    expect(Math.max(...out.clippedShare.subarray(1))).toBeGreaterThan(0);
    const today = simulateRun({ ...BASE }, inst, theta0, 9, 0, steps, newRunRecord(steps.length));
    expect(Number.isNaN(today.klReference[3])).toBe(true);
    expect(today.clippedShare[3]).toBe(0);
  });

  for (const [name, fields] of [
    ['one prompt', { N: 1, B: 1 }],
    ['three prompts', { N: 3, B: 3 }],
    ['EOS', { N: 1, B: 1, eos: true, targetLength: 3, reward: 'final-answer' }],
  ] as [string, Partial<RunParams>][]) {
    it(`${name}: the exact KL(π_θ ‖ π_θ0) of a response is the float64 sum over every response`, () => {
      const p = { ...BASE, V: 4, d: 3, L: 4, klCoef: 0.01, ...fields };
      const { inst, theta0 } = setup(p);
      const theta = Float32Array.from(theta0, (v, k) => v + 0.8 * Math.cos(3 * k));
      const s = new RunScratch(inst, p);
      computePolicy(inst, theta0, s.pi);
      s.ppo!.setReference(s.pi);
      computePolicy(inst, theta, s.pi);
      const now = logPolicy(inst, theta);
      const ref = logPolicy(inst, theta0);
      const eos = inst.eos === NO_EOS ? -1 : inst.eos;
      // Every response from each start: Σ_o π(o)(log π(o) − log π_ref(o)), ending at EOS or at L.
      const walk = (prev: number, t: number, logp: number, logr: number): number => {
        if (t === inst.L) return Math.exp(logp) * (logp - logr);
        let sum = 0;
        for (let b = 0; b < inst.K; b++) {
          const lp = logp + now[prev * inst.K + b];
          const lr = logr + ref[prev * inst.K + b];
          sum += b === eos ? Math.exp(lp) * (lp - lr) : walk(b, t + 1, lp, lr);
        }
        return sum;
      };
      const starts = inst.prompts > 1 ? Array.from({ length: inst.prompts }, (_, q) => q) : [inst.start];
      const expected = starts.reduce((a, q) => a + walk(q, 0, 0, 0), 0) / starts.length;
      expect(expected).toBeGreaterThan(1e-3);
      expect(Math.abs(referenceKl(inst, s) - expected) / expected).toBeLessThan(1e-4);
    });
  }
});
