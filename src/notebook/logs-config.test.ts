/** Logs cells and the plots that read them: good configs pass; each bad field is named with what is allowed; unknown keys are refused. */
import { describe, expect, it } from 'vitest';
import { checkCells, checkLogsConfig, parseNotebook, resolveNotebook } from './index.ts';

const GOOD = { files: ['data/grpo-lr-sweep.csv'], mapping: { run: 'label', learningRate: 'learning_rate', step: 'grpo_step' }, metric: 'answer_accuracy' };

const notebook = (logs: unknown, plot?: unknown) =>
  '<!doctype html>\n<notebook theme="air" version="1">\n  <title>T</title>\n' +
  '  <script id="s" type="application/vnd.gradgap.sweep+json">\n    {"grid": {"stepSize": [1, 10]}, "seeds": 4}\n  </script>\n' +
  `  <script id="runs" type="application/vnd.gradgap.logs+json">\n    ${JSON.stringify(logs)}\n  </script>\n` +
  (plot ? `  <script id="p" type="application/vnd.gradgap.plot+json">\n    ${JSON.stringify(plot)}\n  </script>\n` : '') +
  '</notebook>\n';

const issues = (config: unknown) => checkLogsConfig(config).map((i) => `${i.field}: ${i.message}`);
const plotIssues = (plot: unknown) => {
  const parsed = parseNotebook(notebook(GOOD, plot));
  const cells = checkCells(parsed.notebook.cells, parsed.cellLines);
  expect(cells[1].issues).toEqual([]);
  return cells[2].issues.map((i) => `${i.field}: ${i.message}`);
};

describe('logs cell config', () => {
  it('accepts files, a reader, a mapping, a metric and outcome rules; the resolver lists it', () => {
    expect(issues(GOOD)).toEqual([]);
    expect(
      issues({
        ...GOOD,
        format: 'csv',
        mapping: { ...GOOD.mapping, metrics: ['answer_accuracy', 'reward'] },
        rules: {
          collapsed: { finalBelowFractionOfPeak: 0.5, endsNonFinite: true },
          degraded: { finalAtMost: 0.2 },
          finalPoints: 3,
          lrCollapsedWhen: 'majority',
        },
        title: 'Sweep',
      }),
    ).toEqual([]);
    const nb = resolveNotebook(notebook(GOOD));
    expect(nb.checked[1]).toMatchObject({ kind: 'logs', issues: [] });
    expect(nb.logs.get('runs')).toEqual(GOOD);
  });

  it('requires files and a metric, and refuses unknown keys at every level, naming the nearest', () => {
    expect(issues({})).toEqual([
      'files: files is required: a list of log files relative to the notebook ("data/sweep.csv")',
      'metric: metric is required: the metric to summarize, as the logs name it ("answer_accuracy")',
    ]);
    expect(issues({ ...GOOD, metrik: 'x' })[0]).toMatch(/^metrik: unknown field; did you mean metric\?/);
    expect(issues({ ...GOOD, mapping: { rn: 'label' } })[0]).toMatch(/^mapping\.rn: unknown field; did you mean run\?/);
    expect(issues({ ...GOOD, rules: { colapsed: {} } })[0]).toMatch(/^rules\.colapsed: unknown field; did you mean collapsed\?/);
    expect(issues({ ...GOOD, rules: { collapsed: { finalBelowStart: 0.5 } } })[0]).toMatch(/^rules\.collapsed\.finalBelowStart: unknown field/);
    expect(issues(JSON.parse(`{"files": ["a.csv"], "metric": "m", "__proto__": {"files": []}}`))[0]).toMatch(/^__proto__: unknown field/);
    expect(issues([GOOD])[0]).toMatch(/^logs: must be a JSON object/);
  });

  it('names a bad file path, reader, mapping or rule with what is allowed', () => {
    expect(issues({ ...GOOD, files: [] })).toEqual(['files: files must be a list of file paths, got an empty list']);
    expect(issues({ ...GOOD, files: ['../secret.csv'] })[0]).toMatch(/^files\[0\]: .*relative path inside the notebook's folder/);
    expect(issues({ ...GOOD, files: ['/etc/passwd'] })[0]).toMatch(/^files\[0\]: /);
    expect(issues({ ...GOOD, files: ['https://example.com/x.csv'] })[0]).toMatch(/^files\[0\]: /);
    expect(issues({ ...GOOD, files: ['a.csv', 'a.csv'] })[0]).toMatch(/^files\[1\]: .*repeats files\[0\]/);
    expect(issues({ ...GOOD, format: 'tsv' })[0]).toMatch(/^format: format = "tsv": must be one of trainer-state, csv, jsonl, verl/);
    expect(issues({ ...GOOD, metric: 3 })[0]).toMatch(/^metric: metric = 3: must be a metric name/);
    expect(issues({ ...GOOD, mapping: { step: '' } })[0]).toMatch(/^mapping\.step: .*must be a column name/);
    expect(issues({ ...GOOD, mapping: { metrics: 'acc' } })[0]).toMatch(/^mapping\.metrics: /);
    expect(issues({ ...GOOD, rules: { collapsed: { finalBelowFractionOfStart: 1.5 } } })[0]).toMatch(
      /^rules\.collapsed\.finalBelowFractionOfStart: .*fraction in \[0, 1\]/,
    );
    expect(issues({ ...GOOD, rules: { degraded: { endsNonFinite: 'yes' } } })[0]).toMatch(/^rules\.degraded\.endsNonFinite: .*true or false/);
    expect(issues({ ...GOOD, rules: { finalPoints: 0 } })[0]).toMatch(/^rules\.finalPoints: .*\[1, 1000\]/);
    expect(issues({ ...GOOD, rules: { lrCollapsedWhen: 'most' } })[0]).toMatch(/^rules\.lrCollapsedWhen: .*one of any, majority, all/);
  });
  it('fileSettings, JSONL mapping fields and the newer rules: good ones pass, each bad field named', () => {
    const good = {
      ...GOOD,
      mapping: { step: 'grpo_step', typeField: 'kind', types: ['eval'] },
      fileSettings: { 'data/grpo-lr-sweep.csv': { config: 'data/run.yaml', learningRateKey: 'optim.lr', settings: { seed: 1 } } },
      rules: {
        window: 3,
        minPoints: 6,
        stopped: { setting: 'status', values: ['stopped early'], countsAs: 'collapsed' },
        collapsed: { finalDropFromStartAtLeast: 0.2 },
      },
    };
    expect(issues(good)).toEqual([]);
    const fs = (s: unknown) => issues({ ...GOOD, fileSettings: { 'data/grpo-lr-sweep.csv': s } });
    expect(issues({ ...GOOD, fileSettings: { 'other.csv': { learningRate: 1e-6 } } })[0]).toMatch(
      /^fileSettings\["other\.csv"\]: fileSettings\["other\.csv"\]: not one of the cell.s files/,
    );
    expect(fs({ learningRate: 0 })[0]).toMatch(/learningRate = 0: must be a positive number/);
    expect(fs({ config: '../secret.yaml' })[0]).toMatch(/\.config = "\.\.\/secret\.yaml": must be a relative path inside the notebook's folder/);
    expect(fs({ learningRateKey: 'optim.lr' })[0]).toMatch(/learningRateKey names a key of the config file: set "config" too/);
    expect(fs({ settings: { a: [1] } })[0]).toMatch(/settings\.a = \[1 values\]: must be a string, number or true\/false/);
    expect(fs({ lr: 1e-6 })[0]).toMatch(/lr/);
    expect(issues({ ...GOOD, rules: { window: 0 } })[0]).toMatch(/^rules\.window: .*\[1, 1000\]/);
    expect(issues({ ...GOOD, rules: { window: 2, finalPoints: 2 } })[0]).toMatch(/^rules\.finalPoints: .*keep one/);
    expect(issues({ ...GOOD, rules: { stopped: { setting: 'status' } } })[0]).toMatch(/^rules\.stopped\.values: /);
    expect(issues({ ...GOOD, rules: { stopped: { setting: 'status', values: ['x'], countsAs: 'maybe' } } })[0]).toMatch(
      /countsAs = "maybe": must be one of excluded, collapsed/,
    );
    expect(issues({ ...GOOD, rules: { degraded: { finalDropFromPeakAtLeast: -1 } } })[0]).toMatch(/^rules\.degraded\.finalDropFromPeakAtLeast: .*≥ 0/);
    expect(issues({ ...GOOD, mapping: { types: [] } })[0]).toMatch(/^mapping\.types: /);
  });
});

describe('plot cells of logs', () => {
  it('accepts the logs views, and depends on the logs cell (and the sweep beside it)', () => {
    expect(plotIssues({ view: 'logs-trajectories', logs: 'runs' })).toEqual([]);
    expect(plotIssues({ view: 'logs-outcome', logs: 'runs' })).toEqual([]);
    expect(plotIssues({ view: 'logs-outcome', logs: 'runs', sweep: 's', align: true, critical: 'collapse-half' })).toEqual([]);
    const nb = resolveNotebook(notebook(GOOD, { view: 'logs-outcome', logs: 'runs', sweep: 's' }));
    expect(nb.checked[2].dependencies).toEqual(['s', 'runs']);
  });

  it('names a missing or wrong logs reference, and fields the view does not read', () => {
    expect(plotIssues({ view: 'logs-trajectories' })).toEqual(['logs: the logs-trajectories view reads "logs": the id of a logs cell']);
    expect(plotIssues({ view: 'logs-outcome', logs: 'nope' })).toEqual(['logs: logs refers to "nope", but no cell has that id']);
    expect(plotIssues({ view: 'logs-outcome', logs: 's' })).toEqual(['logs: logs refers to "s", a sweep cell; it must be a logs cell']);
    expect(plotIssues({ view: 'logs-outcome', logs: 'runs', sweep: 'runs' })).toEqual(['sweep: sweep refers to "runs", a logs cell; it must be a sweep cell']);
    expect(plotIssues({ view: 'logs-trajectories', logs: 'runs', sweep: 's' })[0]).toMatch(/^sweep: the logs-trajectories view draws the runs alone/);
    expect(plotIssues({ view: 'logs-outcome', logs: 'runs', align: true })[0]).toMatch(/^align: .*only the logs-outcome view with a "sweep"/);
    expect(plotIssues({ view: 'logs-outcome', logs: 'runs', sweep: 's', align: 'yes' })[0]).toMatch(/^align: align must be true or false/);
    expect(plotIssues({ view: 'phase', sweep: 's', logs: 'runs' })).toEqual(['logs: only the logs-trajectories and logs-outcome views read "logs"']);
  });
});
