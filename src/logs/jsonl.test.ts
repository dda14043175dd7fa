import { describe, expect, it } from 'vitest';
import { fixture } from './fixture-text.ts';
import { LogInputError, readJsonlRuns } from './index.ts';

describe('readJsonlRuns', () => {
  const { name, text } = fixture('metrics.jsonl');
  const [run] = readJsonlRuns(name, text);

  it('metrics named <type>/<field>; the lr from train lines gives peak and shape', () => {
    expect(run.label).toBe('jsonl-run'); // run_name from the config line
    expect(Object.keys(run.metrics).sort()).toEqual([
      'eval/accuracy',
      'rollout/response_length',
      'rollout/reward',
      'train/grad_norm',
      'train/learning_rate',
      'train/loss',
    ]);
    expect(run.learningRate).toBe(2e-6);
    expect(run.learningRateSource).toBe('config'); // a schedule is logged, so the config line's peak wins
    expect(run.schedule.shape).toBe('linear-decay');
  });
  it('missing steps, and a NaN at one step kept as a gap', () => {
    expect(run.metrics['rollout/reward'].steps).not.toContain(5);
    expect(run.metrics['eval/accuracy'].steps).toEqual([0, 4, 8, 12, 16, 20]);
    expect(run.metrics['eval/accuracy'].values[2]).toBeNaN();
  });
  it('config lines are settings', () => {
    expect(run.settings).toMatchObject({ 'optimizer.lr': 2e-6, group_size: 8, algo: 'grpo' });
  });
  it('the mapping picks the types, the step field and the lr field', () => {
    const [evalOnly] = readJsonlRuns(name, text, { types: ['eval'] });
    expect(Object.keys(evalOnly.metrics)).toEqual(['eval/accuracy']);
    expect(evalOnly.schedule.shape).toBe('linear-decay'); // the lr is read from train lines all the same
    const custom = '{"kind":"val","iter":3,"lr":1e-6,"acc":0.5}\r\n{"kind":"val","iter":6,"lr":1e-6,"acc":0.6}\r\n';
    const [r] = readJsonlRuns('custom.jsonl', custom, { typeField: 'kind', step: 'iter', learningRate: 'lr' });
    expect(r.metrics['val/acc']).toEqual({ steps: [3, 6], values: [0.5, 0.6] });
    expect(r.learningRate).toBe(1e-6);
  });
  it('takes the lr from a config line when no line logs it', () => {
    const t = '{"type":"config","optim":{"lr":5e-7}}\n{"type":"eval","step":1,"acc":0.1}\n';
    const [r] = readJsonlRuns('c.jsonl', t);
    expect([r.learningRate, r.learningRateSource, r.schedule.shape]).toEqual([5e-7, 'config', 'unknown']);
  });
  it('several runs in one file by a run field', () => {
    const t = ['{"run":"a","step":1,"lr":1e-6,"acc":0.1}', '{"run":"b","step":1,"lr":3e-6,"acc":0.2}', '{"run":"a","step":2,"lr":1e-6,"acc":0.3}'].join('\n');
    expect(readJsonlRuns('multi.jsonl', t, { run: 'run' }).map((r) => [r.label, r.learningRate, r.metrics['acc'].values])).toEqual([
      ['a', 1e-6, [0.1, 0.3]],
      ['b', 3e-6, [0.2]],
    ]);
  });
  it('refuses a line that is not JSON, naming its line number', () => {
    const bad = text.split('\n');
    bad.splice(4, 0, '{"type": "train", "step": 3,');
    let error: unknown;
    try {
      readJsonlRuns(name, bad.join('\n'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogInputError);
    expect((error as LogInputError).line).toBe(5);
    expect((error as Error).message).toMatch(/^metrics\.jsonl, line 5: not JSON/);
  });
  it('refuses a non-numeric lr, a line without a step, an empty file', () => {
    expect(() => readJsonlRuns('l.jsonl', '{"step":1,"lr":"x","acc":1}')).toThrow(/l\.jsonl, line 1, field 'lr': learning rate 'x' is not a number/);
    expect(() => readJsonlRuns('s.jsonl', '{"lr":1e-6,"acc":1}')).toThrow(/s\.jsonl, line 1, field 'step': no step field/);
    expect(() => readJsonlRuns('e.jsonl', '\n\n')).toThrow(/e\.jsonl: empty log/);
  });
  it('flattens nested objects as a/b, and a mapping names the step, lr, run and metrics fields (nested too)', () => {
    const t = [
      '{"grpo_step": 1, "optim": {"lr": 1e-6}, "rewards": {"accuracy": 0.25, "format": {"mean": 0.5}}, "tags": [1, 2]}',
      '{"grpo_step": 2, "optim": {"lr": 1e-6}, "rewards": {"accuracy": 0.5, "format": {"mean": 0.75}}}',
    ].join('\n');
    const [r] = readJsonlRuns('nested.jsonl', t, { learningRate: 'optim/lr' });
    expect(r.metrics['rewards/accuracy']).toEqual({ steps: [1, 2], values: [0.25, 0.5] });
    expect(r.metrics['rewards/format/mean']).toEqual({ steps: [1, 2], values: [0.5, 0.75] });
    expect([r.learningRate, r.learningRateFrom]).toEqual([1e-6, 'the largest logged optim/lr']);
    const [only] = readJsonlRuns('nested.jsonl', t, { step: 'grpo_step', learningRate: 'optim/lr', metrics: ['rewards/accuracy'] });
    expect(Object.keys(only.metrics)).toEqual(['rewards/accuracy']);
    const runs = readJsonlRuns('multi.jsonl', '{"cfg":{"name":"a"},"it":1,"lr":1e-6,"m":0.1}\n{"cfg":{"name":"b"},"it":1,"lr":2e-6,"m":0.2}\n', {
      run: 'cfg/name',
      step: 'it',
    });
    expect(runs.map((x) => [x.label, x.learningRate, x.metrics.m.values])).toEqual([
      ['a', 1e-6, [0.1]],
      ['b', 2e-6, [0.2]],
    ]);
  });
  it('refuses a mapped metric no line has, naming it', () => {
    expect(() => readJsonlRuns('m.jsonl', '{"step":1,"lr":1e-6,"acc":1}\n', { metrics: ['accuracy'] })).toThrow(
      /m\.jsonl, field 'mapping\.metrics': no line has the mapped metric 'accuracy'/,
    );
  });
});
