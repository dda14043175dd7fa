import { describe, expect, it } from 'vitest';
import { fixture } from './fixture-text.ts';
import { LogInputError, readLogs, readTrainerState } from './index.ts';

describe('readTrainerState', () => {
  const { name, text } = fixture('lr-1e-6/trainer_state.json');
  const [run] = readTrainerState(name, text);

  it('labels by the folder of a generic trainer_state.json; warmup then cosine: peak and shape', () => {
    expect(run.label).toBe('lr-1e-6');
    expect(run.format).toBe('trainer-state');
    expect(run.learningRate).toBeCloseTo(1e-6, 15);
    expect(run.learningRateSource).toBe('log');
    expect(run.schedule).toMatchObject({ shape: 'warmup-cosine', peakStep: 5 });
  });
  it('keeps TRL metric names, eval entries and missing steps', () => {
    expect(Object.keys(run.metrics)).toEqual(
      expect.arrayContaining([
        'reward',
        'rewards/accuracy_reward/mean',
        'reward_std',
        'frac_reward_zero_std',
        'completions/mean_length',
        'kl',
        'grad_norm',
        'entropy',
        'eval_reward',
        'learning_rate',
      ]),
    );
    expect(run.metrics['reward'].steps).not.toContain(12);
    expect(run.metrics['reward'].steps).toHaveLength(28);
    expect(run.metrics['eval_reward'].steps).toEqual([10, 20, 30]);
    expect(run.lastStep).toBe(30);
  });
  it("keeps Python's NaN as a gap at its step", () => {
    const g = run.metrics['grad_norm'];
    expect(g.values[g.steps.indexOf(7)]).toBeNaN();
    expect(g.values[g.steps.indexOf(8)]).toBeCloseTo(0.58);
  });
  it('states settings; the closing summary entry is a setting, not a metric', () => {
    expect(run.settings).toMatchObject({ max_steps: 40, train_batch_size: 8, logging_steps: 1, 'summary.train_runtime': 3600.5 });
    expect(run.metrics['train_runtime']).toBeUndefined();
  });
  it('a run that ended early, with run_name and older TRL names', () => {
    const early = fixture('lr-3e-6-early/checkpoint-8/trainer_state.json');
    const [r] = readTrainerState(early.name, early.text);
    expect(r.label).toBe('lr-3e-6');
    expect(r.schedule.shape).toBe('constant');
    expect(r.learningRate).toBe(3e-6);
    expect(r.lastStep).toBe(8);
    expect(r.settings['max_steps']).toBe(40);
    expect(r.metrics['completion_length'].values[0]).toBe(180);
  });
  it('several files make several runs; labels from the folder if no run_name', () => {
    const runs = readLogs([fixture('lr-1e-6/trainer_state.json'), fixture('lr-3e-6-early/checkpoint-8/trainer_state.json')]);
    expect(runs.map((r) => r.label)).toEqual(['lr-1e-6', 'lr-3e-6']);
  });
  it('refuses a non-numeric learning rate, naming file, line and field', () => {
    const bad = text.replace('"learning_rate": 2e-07', '"learning_rate": "fast"');
    expect(bad).not.toBe(text);
    const error = (() => {
      try {
        readTrainerState(name, bad);
      } catch (e) {
        return e as LogInputError;
      }
    })();
    expect(error).toBeInstanceOf(LogInputError);
    expect(error!.message).toMatch(/^lr-1e-6\/trainer_state\.json, line \d+, field 'log_history\[0\]\.learning_rate': learning rate 'fast' is not a number/);
    expect(bad.split('\n')[error!.line! - 1]).toContain('"learning_rate": "fast"');
  });
  it('refuses an empty log_history and invalid JSON', () => {
    expect(() => readTrainerState('t.json', '{"log_history": []}')).toThrow(/t\.json.*empty log/);
    expect(() => readTrainerState('t.json', '{\n"log_history": [\n{"step": 1,}\n]}')).toThrow(/t\.json, line 3.*not valid JSON/);
  });
});
