// Test helper: a run with one metric, built directly (the readers are tested elsewhere).
import type { TrainingRun } from './run.ts';

export function testRun(
  label: string,
  learningRate: number,
  metric: string,
  steps: number[],
  values: number[],
  settings: TrainingRun['settings'] = {},
): TrainingRun {
  return {
    label,
    file: `${label}.csv`,
    format: 'csv',
    learningRate,
    learningRateSource: 'log',
    learningRateFrom: 'the largest logged lr',
    schedule: { shape: 'constant', peak: learningRate, peakStep: steps[0], warmupSteps: 0, final: learningRate },
    settings,
    metrics: { [metric]: { steps, values } },
    lastStep: steps[steps.length - 1],
    notes: [],
  };
}
