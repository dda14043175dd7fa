// W&B exports in their exact shapes: a run's history CSV and a panel's wide CSV with band columns;
// and Markdown that a cell names by mistake, which must not read as a CSV.
import { describe, expect, it } from 'vitest';
import { analyzeLogs, detectFormat, readLog } from './index.ts';

const HISTORY = [
  '_step,_runtime,_timestamp,train/reward,train/learning_rate,train/global_step,eval/accuracy,_wandb',
  '0,12.5,1717000000.1,0.125,0,0,0.1,',
  '1,24.1,1717000012.2,0.25,5e-7,1,,',
  '2,35.9,1717000024.0,0.375,1e-6,2,,',
  '3,47.2,1717000035.9,0.5,1e-6,3,0.4,{"runtime": 47}',
].join('\n');

const PANEL = [
  '"Step","grpo-lr1e-6 - train/reward","grpo-lr1e-6 - train/reward__MIN","grpo-lr1e-6 - train/reward__MAX","grpo-lr1e-5 - train/reward","grpo-lr1e-5 - train/reward__MIN","grpo-lr1e-5 - train/reward__MAX"',
  '0,0.1,0.09,0.11,0.1,0.08,0.12',
  '50,0.4,0.35,0.45,0.04,0.01,0.09',
  '100,0.6,0.55,0.65,,,',
].join('\r\n');

describe('W&B exports', () => {
  it("a run's history CSV: W&B's own columns are not metrics, the lr column is found, an empty cell is no point", () => {
    expect(detectFormat('history.csv', HISTORY)).toBe('wandb');
    const [run] = readLog('lr-1e-6-history.csv', HISTORY);
    expect(run.format).toBe('wandb');
    expect(Object.keys(run.metrics).sort()).toEqual(['eval/accuracy', 'train/global_step', 'train/learning_rate', 'train/reward']);
    expect(run.metrics['eval/accuracy']).toEqual({ steps: [0, 3], values: [0.1, 0.4] });
    expect([run.learningRate, run.schedule.shape]).toEqual([1e-6, 'warmup-constant']);
  });
  it('a panel export: one run per column prefix, band columns recognised, learning rates given per run', () => {
    expect(detectFormat('panel.csv', PANEL)).toBe('wandb');
    const a = analyzeLogs([{ name: 'panel.csv', text: PANEL }], {
      metric: 'train/reward',
      fileSettings: { 'panel.csv': { runLearningRates: { 'grpo-lr1e-6': 1e-6, 'grpo-lr1e-5': 1e-5 } } },
    });
    expect(a.runs.map((r) => [r.label, r.learningRate, r.metrics['train/reward']])).toEqual([
      ['grpo-lr1e-6', 1e-6, { steps: [0, 50, 100], values: [0.1, 0.4, 0.6] }],
      ['grpo-lr1e-5', 1e-5, { steps: [0, 50], values: [0.1, 0.04] }],
    ]);
    expect(a.runs[0].notes).toEqual(["W&B band columns (__MIN, __MAX) of 'train/reward' recognised and not read as metrics"]);
    expect(a.critical).toMatchObject({ kind: 'critical', learningRate: 1e-5, below: 1e-6 });
    expect(() => readLog('panel.csv', PANEL)).toThrow(/panel\.csv, field 'train\/learning_rate': run 'grpo-lr1e-6': no nonzero learning rate/);
  });
});

describe('Markdown named as a log', () => {
  it('is said to be Markdown, not misread as a CSV', () => {
    const table = '| label | lr | acc |\n|---|---|---|\n| a | 1e-6 | 0.5 |\n';
    expect(() => detectFormat('results.csv', table)).toThrow(/results\.csv, line 1: this looks like Markdown \(a table with a \|---\| rule\), not a log/);
    expect(() => detectFormat('notes.txt', '# Results\n\nThe runs at 1e-6, 3e-6 and 1e-5 converged.\n')).toThrow(/this looks like Markdown \(a # heading\)/);
    expect(() => detectFormat('README.md', 'label,lr\n')).toThrow(/this looks like Markdown \(a \.md file\)/);
    expect(detectFormat('sweep.csv', '# exported 2025-06-01\nlabel,lr,step,acc\na,1e-6,1,0.5\n')).toBe('csv'); // a comment line is not a heading
  });
});
