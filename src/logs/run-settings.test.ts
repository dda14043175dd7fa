// A learning rate stated in the logs cell or read from an attached config file (JSON or YAML)
// wins over the log's, says where it came from; a logged schedule defers to the configured peak.
import { describe, expect, it } from 'vitest';
import { analyzeLogs, readConfigFile, readJsonlRuns } from './index.ts';
import { readYamlSettings } from './yaml-subset.ts';

const TRAINER_STATE_NO_LR = JSON.stringify({
  log_history: [
    { step: 1, reward: 0.2 },
    { step: 2, reward: 0.4 },
  ],
});

describe('the YAML subset', () => {
  it('nested mappings, scalars of every kind, comments, quoted keys and lists skipped', () => {
    const yaml = [
      '# verl config',
      'actor_rollout_ref:',
      '  actor:',
      '    optim:',
      '      lr: 1e-6   # peak',
      "      warmup_style: 'constant'",
      '      betas: [0.9, 0.999]',
      '    use_kl_loss: true',
      '  rollout:',
      '    n: 5',
      '    stop:',
      '      - "</answer>"',
      '      - "#"',
      '"trainer":',
      '  experiment_name: "qwen # lr"',
      '  total_epochs: 1_000',
      '  resume: null',
      '  seed: ~',
      '  neg: -.inf',
    ].join('\n');
    expect(readYamlSettings(yaml)).toEqual({
      'actor_rollout_ref.actor.optim.lr': 1e-6,
      'actor_rollout_ref.actor.optim.warmup_style': 'constant',
      'actor_rollout_ref.actor.use_kl_loss': true,
      'actor_rollout_ref.rollout.n': 5,
      'trainer.experiment_name': 'qwen # lr',
      'trainer.total_epochs': 1000,
      'trainer.resume': null,
      'trainer.seed': null,
      'trainer.neg': -Infinity,
    });
  });
  it('refuses what it does not read, with the line', () => {
    expect(() => readYamlSettings('a:\n  b: &x 1\n')).toThrow(/^line 2: anchors/);
    expect(() => readYamlSettings('a: 1\njust text\n')).toThrow(/^line 2: expected "key: value"/);
    expect(() => readConfigFile('c.yaml', 'a: "open\n')).toThrow(/^c\.yaml, line 1: an unterminated "quoted" string/);
  });
});

describe('fileSettings: the cell, then a config file, then the log', () => {
  it('a trainer_state without a learning rate is read when the cell states one, and says so', () => {
    const a = analyzeLogs([{ name: 'lr-1e-6/trainer_state.json', text: TRAINER_STATE_NO_LR }], {
      metric: 'reward',
      fileSettings: { 'lr-1e-6/trainer_state.json': { learningRate: 1e-6, settings: { seed: 3 } } },
    });
    expect(a.runs[0]).toMatchObject({
      learningRate: 1e-6,
      learningRateSource: 'cell',
      learningRateFrom: 'the logs cell (fileSettings["lr-1e-6/trainer_state.json"].learningRate)',
      settings: { seed: 3 },
    });
    expect(a.summaries[0].learningRateFrom).toBe(a.runs[0].learningRateFrom);
    expect(() => analyzeLogs([{ name: 'x/trainer_state.json', text: TRAINER_STATE_NO_LR }], { metric: 'reward' })).toThrow(/no nonzero learning rate/);
  });
  it('a YAML or JSON config file gives the learning rate and settings, over the logged one', () => {
    const jsonl = '{"step":1,"lr":5e-7,"reward":0.1}\n{"step":2,"lr":5e-7,"reward":0.3}\n';
    const yaml = { name: 'run.yaml', text: 'actor_rollout_ref:\n  actor:\n    optim:\n      lr: 1e-6\ncritic:\n  optim:\n    lr: 1e-5\n' };
    const a = analyzeLogs([{ name: 'run.jsonl', text: jsonl }], { metric: 'reward', fileSettings: { 'run.jsonl': { config: yaml } } });
    expect(a.runs[0]).toMatchObject({
      learningRate: 1e-6,
      learningRateSource: 'config',
      learningRateFrom: 'the config file run.yaml (actor_rollout_ref.actor.optim.lr)',
    });
    expect(a.runs[0].settings['critic.optim.lr']).toBe(1e-5);
    expect(a.runs[0].notes).toEqual([
      'learning rate 0.000001 from the config file run.yaml (actor_rollout_ref.actor.optim.lr), over 5e-7 from the largest logged lr',
    ]);
    const json = { name: 'args.json', text: '{"training": {"learning_rate": 2e-6, "lr_scheduler_type": "cosine"}}' };
    const b = analyzeLogs([{ name: 'run.jsonl', text: jsonl }], { metric: 'reward', fileSettings: { 'run.jsonl': { config: json } } });
    expect([b.runs[0].learningRate, b.runs[0].learningRateFrom]).toEqual([2e-6, 'the config file args.json (training.learning_rate)']);
  });
  it('a config with several learning rates needs its key named; a named key that is missing is refused', () => {
    const cfg = { name: 'c.yaml', text: 'policy:\n  lr: 1e-6\nvalue:\n  lr: 1e-5\n' };
    const files = [{ name: 'r.jsonl', text: '{"step":1,"reward":0.1}\n' }];
    expect(() => analyzeLogs(files, { metric: 'reward', fileSettings: { 'r.jsonl': { config: cfg } } })).toThrow(
      /^c\.yaml, field 'learningRateKey': the config file has several learning rates \('policy\.lr', 'value\.lr'\): name one/,
    );
    expect(analyzeLogs(files, { metric: 'reward', fileSettings: { 'r.jsonl': { config: cfg, learningRateKey: 'value.lr' } } }).runs[0].learningRate).toBe(1e-5);
    expect(() => analyzeLogs(files, { metric: 'reward', fileSettings: { 'r.jsonl': { config: cfg, learningRateKey: 'nope.lr' } } })).toThrow(
      /c\.yaml, field 'nope\.lr': no setting 'nope\.lr' in the config file/,
    );
  });
});

describe('under a schedule, the configured peak', () => {
  // Warmup over 10 steps to 5e-5, logged every 5 steps from step 1: the largest logged value misses the peak.
  const lines = (every: number, from: number) =>
    Array.from({ length: 8 }, (_, k) => {
      const step = from + k * every;
      const lr = step < 10 ? (5e-5 * step) / 10 : 5e-5 * (1 - (step - 10) / 100);
      return `{"step":${step},"learning_rate":${lr},"reward":0.5}`;
    });
  it('two runs of one configuration, logged at different steps, get the same learning rate from their config line', () => {
    const config = '{"type":"config","optim":{"lr":5e-5}}';
    const [a] = readJsonlRuns('a.jsonl', [config, ...lines(5, 1)].join('\n'));
    const [b] = readJsonlRuns('b.jsonl', [config, ...lines(5, 3)].join('\n'));
    expect([a.learningRate, b.learningRate]).toEqual([5e-5, 5e-5]);
    expect(a.learningRateFrom).toBe('the config line 1 (optim.lr)');
    expect(a.schedule.shape).toBe('warmup-linear-decay');
  });
  it('without a config, the largest logged value, with a note saying it can miss the peak', () => {
    const [a] = readJsonlRuns('a.jsonl', lines(5, 1).join('\n'));
    expect(a.learningRate).toBeLessThan(5e-5);
    expect(a.notes[0]).toMatch(/is the largest logged value of a warmup-linear-decay schedule, which can miss the configured peak/);
  });
});
