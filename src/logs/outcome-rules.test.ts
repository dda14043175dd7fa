// Outcome rules that read noise no more: windows with a minimum count, metrics that can be
// negative, a stopped-early column, and the critical learning rate leaving such runs out.
import { describe, expect, it } from 'vitest';
import { testRun } from './test-run.ts';
import { criticalLearningRate, LogInputError, readCsvRuns, summarizeRuns, type TrainingRun } from './index.ts';

const run = (label: string, learningRate: number, values: number[], settings: TrainingRun['settings'] = {}): TrainingRun =>
  testRun(
    label,
    learningRate,
    'reward',
    values.map((_, i) => i * 10),
    values,
    settings,
  );

describe('windows over points', () => {
  it('start, peak and final are means over the window (checked by hand)', () => {
    const [s] = summarizeRuns([run('a', 1e-6, [0.2, 0.4, 0.9, 0.5, 0.7, 0.3])], 'reward', { window: 2 });
    expect(s.start).toBeCloseTo(0.3, 15); // (0.2 + 0.4) / 2
    expect(s.peak).toBeCloseTo(0.7, 15); // (0.9 + 0.5) / 2, the best pair
    expect(s.peakStep).toBe(30); // the window's last point
    expect(s.final).toBeCloseTo(0.5, 15); // (0.7 + 0.3) / 2
    expect(s.startStep).toBe(10);
    expect([s.outcome, s.reason]).toEqual(['degraded', 'final 0.5 < 0.8 × peak 0.7']); // not collapsed: 0.5 ≥ 0.5 × 0.3
  });
  it('a run with fewer points than the window needs is too short, not degraded', () => {
    const [s] = summarizeRuns([run('two', 1e-6, [0.5, 0.9])], 'reward', { window: 3 });
    expect([s.outcome, s.reason]).toEqual(['too-short', '2 finite points, the rules need 6']);
    const [t] = summarizeRuns([run('two', 1e-6, [0.5, 0.9])], 'reward', { minPoints: 3 });
    expect(t.outcome).toBe('too-short');
  });
  it('the default window of 1 reads single points as before', () => {
    const [s] = summarizeRuns([run('a', 1e-6, [0.2, 0.4, 0.9, 0.5, 0.7, 0.3])], 'reward');
    expect([s.start, s.peak, s.final, s.outcome]).toEqual([0.2, 0.9, 0.3, 'degraded']);
  });
});

describe('metrics that can be negative', () => {
  const negative = run('neg', 1e-6, [-0.0981, -0.2, -0.487]);
  it('a relative rule on a start ≤ 0 is refused with a message naming the rule and what to use', () => {
    let error: unknown;
    try {
      summarizeRuns([negative], 'reward');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogInputError);
    expect((error as Error).message).toMatch(
      /^neg\.csv, field 'rules\.collapsed\.finalBelowFractionOfStart': needs a positive start, but the run starts at -0\.0981 .*use finalDropFromStartAtLeast/,
    );
  });
  it('an absolute drop works for any sign', () => {
    const rules = { collapsed: { finalDropFromStartAtLeast: 0.3 }, degraded: { finalDropFromPeakAtLeast: 0.1 } };
    const [s] = summarizeRuns([negative], 'reward', rules);
    expect([s.outcome, s.reason]).toEqual(['collapsed', 'final -0.487 ≤ start -0.0981 − 0.3']);
    const [t] = summarizeRuns([run('mild', 1e-6, [-0.1, 0.2, 0.05])], 'reward', rules);
    expect([t.outcome, t.reason]).toEqual(['degraded', 'final 0.05 ≤ peak 0.2 − 0.1']);
  });
});

describe('a status column: stopped early is its own outcome', () => {
  const csv = [
    'label,lr,step,reward,status',
    'a,1e-6,0,0.2,running',
    'a,1e-6,10,0.5,finished',
    'b,3e-6,0,0.2,running',
    'b,3e-6,10,0.3,stopped early',
    'c,1e-5,0,0.2,running',
    'c,1e-5,10,0.01,finished',
  ].join('\n');
  const runs = readCsvRuns('sweep.csv', csv);
  const stopped = { setting: 'status', values: ['Stopped Early'] };
  it('the run the authors marked is stopped-early, whatever its values', () => {
    const s = summarizeRuns(runs, 'reward', { stopped });
    expect(s.map((x) => [x.label, x.outcome])).toEqual([
      ['a', 'converged'],
      ['b', 'stopped-early'],
      ['c', 'collapsed'],
    ]);
    expect(s[1].reason).toBe('stopped early: status = stopped early');
  });
  it('left out of the critical learning rate by default, or counted as collapsed', () => {
    expect(criticalLearningRate(summarizeRuns(runs, 'reward', { stopped }), { stopped })).toMatchObject({ kind: 'critical', learningRate: 1e-5, below: 1e-6 });
    const counted = { stopped: { ...stopped, countsAs: 'collapsed' as const } };
    expect(criticalLearningRate(summarizeRuns(runs, 'reward', counted), counted)).toMatchObject({ learningRate: 3e-6, below: 1e-6, interval: [1e-6, 3e-6] });
  });
});
