import { describe, expect, it } from 'vitest';
import { detectSchedule } from './index.ts';

const steps = Array.from({ length: 60 }, (_, i) => i + 1);
const peak = 2e-6;
const series = (f: (s: number) => number) => ({ steps, values: steps.map(f) });
// Hugging Face's schedules (transformers.optimization), total 100 steps, warmup 10.
const warm = (s: number) => (peak * s) / 10;
const cosine = (s: number, w = 10) => (s < w ? warm(s) : peak * 0.5 * (1 + Math.cos((Math.PI * (s - w)) / (100 - w))));
const linear = (s: number, w = 10) => (s < w ? warm(s) : (peak * (100 - s)) / (100 - w));

describe('detectSchedule', () => {
  it('constant', () => {
    expect(detectSchedule(series(() => peak))).toMatchObject({ shape: 'constant', peak, warmupSteps: 0 });
  });
  it('warmup then constant', () => {
    expect(detectSchedule(series((s) => (s < 10 ? warm(s) : peak)))).toMatchObject({ shape: 'warmup-constant', peak, peakStep: 10, warmupSteps: 9 });
  });
  it('warmup then cosine, cut off at step 60 of 100 (the run ended before the schedule)', () => {
    const schedule = detectSchedule(series((s) => cosine(s)));
    expect(schedule.shape).toBe('warmup-cosine');
    expect(schedule.peak).toBeCloseTo(peak, 12);
    expect(schedule.peakStep).toBe(10);
  });
  it('cosine and linear decay without warmup', () => {
    expect(detectSchedule(series((s) => cosine(s, 0))).shape).toBe('cosine');
    expect(detectSchedule(series((s) => linear(s, 0))).shape).toBe('linear-decay');
    expect(detectSchedule(series((s) => linear(s))).shape).toBe('warmup-linear-decay');
  });
  it('cosine logged with four significant digits still reads as cosine', () => {
    expect(detectSchedule(series((s) => Number(cosine(s).toPrecision(4)))).shape).toBe('warmup-cosine');
  });
  it('unknown: a step schedule, a lone point after the peak, nothing finite', () => {
    expect(detectSchedule(series((s) => (s < 30 ? peak : peak / 10))).shape).toBe('unknown');
    expect(detectSchedule({ steps: [1, 2], values: [peak, peak / 2] }).shape).toBe('unknown');
    expect(detectSchedule({ steps: [1], values: [NaN] })).toMatchObject({ shape: 'unknown', peak: NaN });
  });
  it('ignores NaN points', () => {
    const s = series(() => peak);
    s.values[5] = NaN;
    expect(detectSchedule(s).shape).toBe('constant');
  });
});
