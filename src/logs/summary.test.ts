import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { criticalLearningRate, describeCriticalLearningRate, readCsvRuns, summarizeRuns, type RunSummary, type TrainingRun } from './index.ts';
import { testRun } from './test-run.ts';
import { SYNTHETIC_BASE_ACCURACY, SYNTHETIC_EVAL_EVERY, SYNTHETIC_SWEEP, syntheticAccuracy, syntheticSweepCsv } from './synthetic-sweep.ts';

/** A run with one metric, built directly (the readers are tested elsewhere). */
const run = (label: string, learningRate: number, steps: number[], values: number[]): TrainingRun =>
  testRun(label, learningRate, 'val/accuracy', steps, values);

/** The nine-point sweep, exact (no noise): accuracy 0.10 … 0.88 over 3e-6 … 4e-5, 0.21 at 7e-5, 0 by step 5 at 2e-4. */
const sweep = SYNTHETIC_SWEEP.map((r) => {
  const steps: number[] = [];
  for (let s = 0; s <= r.endStep; s += SYNTHETIC_EVAL_EVERY) steps.push(s);
  return run(
    `lr${r.learningRate}`,
    r.learningRate,
    steps,
    steps.map((s) => syntheticAccuracy(r, s)),
  );
});

const outcomes = (summaries: RunSummary[]) => summaries.map((s) => s.outcome);

describe('summarizeRuns', () => {
  const summaries = summarizeRuns([...sweep].reverse(), 'val/accuracy');

  it('start, peak and final per run, sorted by learning rate', () => {
    expect(summaries.map((s) => s.learningRate)).toEqual([3e-6, 5e-6, 1e-5, 1.5e-5, 2e-5, 3e-5, 4e-5, 7e-5, 2e-4]);
    expect(summaries.map((s) => Number(s.final.toFixed(2)))).toEqual([0.1, 0.25, 0.45, 0.6, 0.72, 0.82, 0.88, 0.21, 0]);
    expect(summaries.every((s) => s.start === SYNTHETIC_BASE_ACCURACY && s.startStep === 0)).toBe(true);
    expect(summaries[7]).toMatchObject({ peak: expect.closeTo(0.62, 12), peakStep: 30, finalStep: 100 });
    expect(summaries[8]).toMatchObject({ final: 0, finalStep: 20, lastStep: 20 });
  });
  it('default rules: collapsed below half the start, degraded below 80% of the peak', () => {
    expect(outcomes(summaries)).toEqual(['converged', 'converged', 'converged', 'converged', 'converged', 'converged', 'converged', 'degraded', 'collapsed']);
    expect(summaries[8].reason).toBe('final 0 < 0.5 × start 0.08');
    expect(summaries[7].reason).toBe('final 0.21 < 0.8 × peak 0.62');
  });
  it('a run that ends non-finite collapses; a run without the metric has no data', () => {
    const [nan, none] = summarizeRuns([run('nan', 1e-6, [0, 1, 2], [0.5, 0.6, NaN]), { ...run('none', 2e-6, [0], [1]), metrics: {} }], 'val/accuracy');
    expect(nan).toMatchObject({ outcome: 'collapsed', final: 0.6, reason: 'ends non-finite' });
    expect(none).toMatchObject({ outcome: 'no-data', reason: "no 'val/accuracy' metric" });
  });
  it('finalPoints averages the tail; a NaN in the middle is skipped', () => {
    const [s] = summarizeRuns([run('r', 1e-6, [0, 1, 2, 3], [0.2, NaN, 0.4, 0.6])], 'val/accuracy', { finalPoints: 2 });
    expect(s.final).toBeCloseTo(0.5);
  });
  it('finds a metric by alias', () => {
    const r = run('v', 1e-6, [1], [0.3]);
    r.metrics = { 'critic/score/mean': r.metrics['val/accuracy'] };
    expect(summarizeRuns([r], 'reward')[0]).toMatchObject({ metric: 'critic/score/mean', final: 0.3 });
  });
});

describe('criticalLearningRate', () => {
  it('2e-4 under the default rule (final below half the start), between 7e-5 and 2e-4', () => {
    const result = criticalLearningRate(summarizeRuns(sweep, 'val/accuracy'));
    expect(result).toEqual({ kind: 'critical', learningRate: 2e-4, below: 7e-5, interval: [7e-5, 2e-4], nonMonotone: false });
    expect(describeCriticalLearningRate(result)).toBe('2e-4 (between 7e-5 and 2e-4)');
  });
  it('7e-5 when collapse means losing half the peak, between 4e-5 and 7e-5', () => {
    const rules = { collapsed: { finalBelowFractionOfPeak: 0.5 } };
    const summaries = summarizeRuns(sweep, 'val/accuracy', rules);
    expect(outcomes(summaries).slice(6)).toEqual(['converged', 'collapsed', 'collapsed']);
    expect(criticalLearningRate(summaries, rules)).toEqual({ kind: 'critical', learningRate: 7e-5, below: 4e-5, interval: [4e-5, 7e-5], nonMonotone: false });
  });
  it('none collapsed, all collapsed', () => {
    const low = sweep.slice(0, 7);
    expect(criticalLearningRate(summarizeRuns(low, 'val/accuracy'))).toEqual({ kind: 'none-collapsed', largestTested: 4e-5 });
    expect(describeCriticalLearningRate(criticalLearningRate(summarizeRuns(low, 'val/accuracy')))).toBe('none collapsed (largest tested 4e-5)');
    expect(criticalLearningRate(summarizeRuns(sweep.slice(7), 'val/accuracy', { collapsed: { finalAtMost: 0.3 } }))).toEqual({
      kind: 'all-collapsed',
      smallestTested: 7e-5,
    });
  });
  it('the smallest lr collapsed but a larger one did not: no lower neighbour, non-monotone flagged', () => {
    const runs = [run('a', 1e-6, [0, 1], [0.5, 0.1]), run('b', 2e-6, [0, 1], [0.5, 0.6])];
    expect(criticalLearningRate(summarizeRuns(runs, 'val/accuracy'))).toEqual({
      kind: 'critical',
      learningRate: 1e-6,
      below: null,
      interval: [0, 1e-6],
      nonMonotone: true,
    });
  });
  it('seeds at one lr pool by lrCollapsedWhen', () => {
    const runs = [
      run('a0', 1e-6, [0, 1], [0.5, 0.6]),
      run('b0', 2e-6, [0, 1], [0.5, 0.1]),
      run('b1', 2e-6, [0, 1], [0.5, 0.6]),
      run('b2', 2e-6, [0, 1], [0.5, 0.6]),
    ];
    const s = summarizeRuns(runs, 'val/accuracy');
    expect(criticalLearningRate(s)).toMatchObject({ kind: 'critical', learningRate: 2e-6 });
    expect(criticalLearningRate(s, { lrCollapsedWhen: 'majority' })).toEqual({ kind: 'none-collapsed', largestTested: 2e-6 });
  });
});

describe('notebooks/data/grpo-lr-sweep.csv (synthetic example)', () => {
  const text = readFileSync(new URL('../../notebooks/data/grpo-lr-sweep.csv', import.meta.url), 'utf8');
  it('is what the generator writes (regenerate on purpose) and says it is synthetic', () => {
    expect(text).toBe(syntheticSweepCsv());
    expect(text.split('\n')[0]).toMatch(/^# SYNTHETIC: .*not a real training run/);
  });
  it('reads into nine runs with the critical lr of the exact sweep', () => {
    const runs = readCsvRuns('grpo-lr-sweep.csv', text, { run: 'label', learningRate: 'learning_rate', step: 'grpo_step' });
    expect(runs).toHaveLength(9);
    expect(runs[8].settings['status']).toBe('crashed: loss nan');
    expect(criticalLearningRate(summarizeRuns(runs, 'answer_accuracy'))).toMatchObject({ learningRate: 2e-4, below: 7e-5 });
    const rules = { collapsed: { finalBelowFractionOfPeak: 0.5 } };
    expect(criticalLearningRate(summarizeRuns(runs, 'answer_accuracy', rules), rules)).toMatchObject({ learningRate: 7e-5, below: 4e-5 });
  });
});
