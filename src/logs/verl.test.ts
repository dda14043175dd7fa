import { describe, expect, it } from 'vitest';
import { fixture } from './fixture-text.ts';
import { readVerlLog } from './index.ts';

describe('readVerlLog', () => {
  const { name, text } = fixture('verl-gsm8k.log');
  const [run] = readVerlLog(name, text);

  it("takes the actor's lr from the pprint-ed config dump when actor/lr prints as 0.000", () => {
    expect(text).toContain('actor/lr:0.000');
    expect(run.learningRate).toBe(1e-6); // the actor's, not the critic's 1e-5
    expect(run.learningRateSource).toBe('config');
    expect(run.schedule).toMatchObject({ shape: 'constant', peak: 1e-6 });
    expect(run.settings).toMatchObject({
      'actor_rollout_ref.rollout.n': 5,
      'algorithm.adv_estimator': 'grpo',
      'trainer.experiment_name': 'qwen2_5_0_5b_function_rm_lr1e-6',
    });
  });
  it('reads step lines behind the Ray prefix: missing step, NaN, validation at step 0, ended early', () => {
    expect(run.label).toBe('verl-gsm8k');
    expect(run.metrics['critic/score/mean'].steps).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
    const g = run.metrics['actor/grad_norm'];
    expect(g.values[g.steps.indexOf(6)]).toBeNaN();
    expect(run.metrics['val-core/openai/gsm8k/reward/mean@1']).toEqual({ steps: [0, 5, 10], values: [0.062, 0.4, 0.75] });
    expect(run.metrics['response_length/mean'].values[0]).toBe(237);
    expect(run.lastStep).toBe(10);
  });
  it('a one-line config dump (print, not pprint), np.float64 values, and warmup + cosine in the config', () => {
    const log = [
      "{'actor_rollout_ref': {'actor': {'optim': {'lr': 3e-06, 'lr_warmup_steps': 10, 'warmup_style': 'cosine'}}}, 'critic': {'optim': {'lr': 1e-05}}}",
      'step:1 - actor/lr:np.float64(0.0) - critic/score/mean:np.float64(0.25)',
      'step:2 - actor/lr:0.000 - critic/score/mean:0.5',
    ].join('\r\n');
    const [r] = readVerlLog('one-line.log', log);
    expect([r.learningRate, r.learningRateSource]).toEqual([3e-6, 'config']);
    expect(r.schedule).toMatchObject({ shape: 'warmup-cosine', warmupSteps: 10 });
    expect(r.metrics['critic/score/mean']).toEqual({ steps: [1, 2], values: [0.25, 0.5] });
  });
  it('takes a nonzero logged actor/lr when there is no config dump', () => {
    const [r] = readVerlLog('no-config.log', 'step:1 - actor/lr:0.001 - critic/score/mean:0.2\nstep:2 - actor/lr:0.001 - critic/score/mean:0.3\n');
    expect([r.learningRate, r.learningRateSource, r.schedule.shape]).toEqual([0.001, 'log', 'constant']);
  });
  it('refuses when neither the log nor a config gives a nonzero lr, and an empty log', () => {
    expect(() => readVerlLog('zero.log', 'step:1 - actor/lr:0.000 - critic/score/mean:0.2\n')).toThrow(
      /zero\.log, field 'actor\/lr.*': run 'zero': no nonzero learning rate in the log or its config dump/,
    );
    expect(() => readVerlLog('empty.log', 'INFO nothing here\n')).toThrow(/empty\.log: empty log/);
  });
});
