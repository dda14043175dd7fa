/**
 * The twin's shares of prompts solved (J_q > ½) and lost (J_q < J_q(0)/2) (SPEC 1.8), against
 * their definitions: one prompt is J itself; at θ0 no prompt is lost and the solved share is the
 * float64 model's count; J is the mean of the prompts' J_q.
 */
import { describe, expect, it } from 'vitest';
import { newRunRecord } from './run-outputs.ts';
import { RunScratch, simulateRun, type RunRecord } from './sequence-cpu.ts';
import { setupRuns } from './setup.ts';
import { makeInstance, policyTable, promptSuccessRates } from '../model/index.ts';
import { expandGrid, recordSteps, withDefaults, type RunParams, type SweepSpec } from '../spec/index.ts';

function twinRuns(base: Partial<RunParams>, seeds: number): { spec: SweepSpec; records: RunRecord[]; theta0: Float32Array[] } {
  const spec = withDefaults({ base: { iterations: 60, recordEvery: 10, ...base }, seeds, seed: 3 });
  const cells = expandGrid(spec);
  const { instances, runs } = setupRuns(spec, cells, 0, seeds);
  const steps = recordSteps(spec.base.iterations, spec.base.recordEvery);
  const records = runs.map((r) => {
    const inst = instances[r.instanceId];
    return simulateRun(r.cell.params, inst, r.theta0, spec.seed, r.run, steps, newRunRecord(steps.length), new RunScratch(inst, r.cell.params));
  });
  return { spec, records, theta0: runs.map((r) => r.theta0) };
}

describe('prompt shares in the CPU twin (SPEC 1.8)', () => {
  it('one prompt: solved is J > ½ and lost is J < J(0)/2, record by record', () => {
    const { records } = twinRuns({ stepSize: 30 }, 8);
    let lostSeen = 0;
    for (const out of records) {
      for (let r = 0; r < out.trajectory.length; r++) {
        if (Number.isNaN(out.trajectory[r])) continue;
        expect(out.solvedShare[r]).toBe(out.trajectory[r] > 0.5 ? 1 : 0);
        expect(out.lostShare[r]).toBe(out.trajectory[r] < 0.5 * out.trajectory[0] ? 1 : 0);
        lostSeen += out.lostShare[r];
      }
    }
    expect(lostSeen).toBeGreaterThan(0); // η = 30 collapses some runs: the rule is exercised both ways
  });

  it('many prompts: at θ0 none is lost and the solved share is the float64 count; shares are multiples of 1/N', () => {
    const N = 6;
    const { spec, records, theta0 } = twinRuns({ V: 8, N, B: 3, stepSize: 10 }, 6);
    const p = expandGrid(spec)[0].params;
    records.forEach((out, seed) => {
      const inst = makeInstance(p, spec.seed, seed);
      const Jq = promptSuccessRates(inst, policyTable(inst, theta0[seed]));
      expect(out.lostShare[0]).toBe(0);
      expect(out.solvedShare[0]).toBeCloseTo(Jq.filter((j) => j > 0.5).length / N, 6);
      expect(out.trajectory[0]).toBeCloseTo(Jq.reduce((a, b) => a + b, 0) / N, 5);
      for (let r = 0; r < out.trajectory.length; r++) {
        for (const share of [out.solvedShare[r], out.lostShare[r]]) expect(Math.abs(share * N - Math.round(share * N))).toBeLessThan(1e-5);
        expect(out.solvedShare[r] + out.lostShare[r]).toBeLessThanOrEqual(1 + 1e-6);
      }
    });
  });
});
