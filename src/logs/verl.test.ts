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

describe('readVerlLog on a console log as Ray writes it', () => {
  // Colour codes around the prefixes (and a value), a WorkerDict line in the dump and one appended
  // mid-line, a `commit:` line, a missing brace, CRLF, the command line echoed by `set -x`.
  const { name, text } = fixture('verl-ray-console.log');
  const [run] = readVerlLog(name, text);

  it('reads the broken config dump past the stray lines and heals the missing brace by indentation', () => {
    expect(text).toContain('\x1b[36m(main_task pid=51234)\x1b[0m');
    expect([run.learningRate, run.learningRateSource]).toEqual([1e-6, 'config']);
    expect(run.learningRateFrom).toBe('the config dump on line 5 (actor_rollout_ref.actor.optim.lr)');
    expect(run.settings).toMatchObject({
      'actor_rollout_ref.actor.optim.warmup_style': 'constant',
      'actor_rollout_ref.actor.ppo_mini_batch_size': 64, // after the missing '}' of optim
      'actor_rollout_ref.actor.use_kl_loss': true,
      'actor_rollout_ref.rollout.temperature': 1,
      'critic.optim.lr': 1e-5,
      'trainer.total_training_steps': 4,
    });
    expect(run.settings['actor_rollout_ref.actor.optim.ppo_mini_batch_size']).toBeUndefined();
    expect(run.notes).toContain('the config dump on line 5 had 1 stray line(s) from elsewhere; skipped'); // [validate_config]
  });
  it('reads actor/lr(1e-4):0.010 as 0.010 × 1e-4, and the step lines of the main process only', () => {
    expect(run.metrics['actor/lr'].steps).toEqual([1, 2, 3, 4]);
    for (const v of run.metrics['actor/lr'].values) expect(v).toBeCloseTo(1e-6, 18);
    expect(run.metrics['critic/score/mean'].values).toEqual([0.148, 0.221, 0.305, 0.342]); // colour codes around a value stripped
    expect(run.metrics['response_length/mean'].values[1]).toBe(229); // a WorkerDict line appended after it
    expect(run.lastStep).toBe(4);
  });
  it('joins a validation metric renamed after step 0, and says so', () => {
    expect(run.metrics['val/test_score/openai/gsm8k']).toEqual({ steps: [0, 3, 4], values: [0.061, 0.212, 0.305] });
    expect(run.metrics['test_score/openai/gsm8k']).toBeUndefined();
    expect(run.notes).toContain("joined 'test_score/openai/gsm8k' (step 0) into 'val/test_score/openai/gsm8k': one metric renamed between steps");
  });
  it('takes the command line override when the dump has no lr (and the settings from it)', () => {
    const noDump = text
      .split('\r\n')
      .filter((l) => !l.includes("'lr': 1e-06"))
      .join('\n');
    const [r] = readVerlLog('no-dump.log', noDump);
    expect(r.settings).toMatchObject({ 'algorithm.adv_estimator': 'grpo', 'actor_rollout_ref.rollout.n': 5, 'trainer.experiment_name': 'qwen_lr1e-6' });
    expect([r.learningRate, r.learningRateSource, r.learningRateFrom]).toEqual([
      1e-6,
      'config',
      'the command line (actor_rollout_ref.actor.optim.lr=0.000001)',
    ]);
  });
  it('keeps two names apart when they overlap in steps (not a rename)', () => {
    const [r] = readVerlLog('both.log', 'step:0 - acc:0.1 - val/acc:0.2\nstep:1 - acc:0.3 - val/acc:0.4 - actor/lr:0.001\n');
    expect(Object.keys(r.metrics).sort()).toEqual(['acc', 'actor/lr', 'val/acc']);
    expect(r.notes).toEqual([]);
  });
  it('refuses a scaled lr that is not a number', () => {
    expect(() => readVerlLog('s.log', 'step:1 - actor/lr(1e-4):abc - a:1\n')).toThrow(
      /s\.log, line 1, field 'actor\/lr\(1e-4\)': learning rate 'abc' is not a number/,
    );
  });
});
