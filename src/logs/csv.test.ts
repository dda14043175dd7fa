import { describe, expect, it } from 'vitest';
import { fixture } from './fixture-text.ts';
import { LogInputError, readCsvRuns, readLog } from './index.ts';
import { parseCsv } from './csv.ts';

const mapping = { run: 'label', learningRate: 'learning_rate', step: 'grpo_step', metrics: ['answer_accuracy', 'format_accuracy', 'reward'] };

function errorOf(f: () => unknown): LogInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof LogInputError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('parseCsv', () => {
  it('quoted fields with commas, doubled quotes and newlines; CRLF; comments and blank lines; line numbers', () => {
    const records = parseCsv('# note\r\na,b\r\n"x, y","say ""hi"""\r\n\r\n"two\r\nlines",3');
    expect(records).toEqual([
      { line: 2, fields: ['a', 'b'] },
      { line: 3, fields: ['x, y', 'say "hi"'] },
      { line: 5, fields: ['two\r\nlines', '3'] },
    ]);
  });
  it('a trailing empty field and no final newline', () => {
    expect(parseCsv('a,b\n1,').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });
});

describe('readCsvRuns', () => {
  const { name, text } = fixture('sweep-crlf.csv');
  const runs = readCsvRuns(name, text, mapping);

  it('one run per label, in order of appearance, with CRLF and quoted labels', () => {
    expect(text).toContain('\r\n');
    expect(runs.map((r) => [r.label, r.learningRate, r.schedule.shape, r.learningRateSource])).toEqual([
      ['lr 1e-6, seed 0', 1e-6, 'constant', 'log'],
      ['"quoted" 3e-6', 3e-6, 'constant', 'log'],
      ['lr 1e-4', 1e-4, 'constant', 'log'],
    ]);
  });
  it('missing steps, a NaN at one step, an empty cell as a gap, a run that ended early', () => {
    expect(runs[0].metrics['answer_accuracy']).toEqual({ steps: [0, 10, 20, 30], values: [0.1, 0.3, NaN, 0.45] });
    expect(runs[1].metrics['reward'].steps).toEqual([0, 20, 30]);
    expect(runs[2].metrics['format_accuracy'].values).toEqual([0.5, NaN]);
    expect(runs[2].lastStep).toBe(10);
  });
  it('unmapped columns are settings (last row wins)', () => {
    expect(runs[2].settings).toEqual({ status: 'crashed: loss nan' });
  });
  it('guesses the run, lr and step columns and takes numeric columns as metrics when not mapped', () => {
    const guessed = readLog(name, text);
    expect(guessed.map((r) => r.label)).toEqual(runs.map((r) => r.label));
    expect(Object.keys(guessed[0].metrics)).toEqual(['answer_accuracy', 'format_accuracy', 'reward']);
  });
  it('an lr column that varies within a run is its schedule', () => {
    const rows = ['step,lr,acc', ...Array.from({ length: 20 }, (_, s) => `${s},${s < 5 ? (s + 1) * 2e-7 : 1e-6},0.5`)];
    const [run] = readCsvRuns('one-run.csv', rows.join('\n'));
    expect(run.label).toBe('one-run');
    expect(run.schedule).toMatchObject({ shape: 'warmup-constant', peak: 1e-6, peakStep: 4 });
  });
  it('refuses a mapped column missing from the header, naming it', () => {
    const e = errorOf(() => readCsvRuns(name, text, { ...mapping, step: 'global_step' }));
    expect(e.message).toBe(
      `sweep-crlf.csv, line 2, field 'global_step': mapped step column 'global_step' is not in the header ('label', 'learning_rate', 'status', 'grpo_step', 'answer_accuracy', 'format_accuracy', 'reward')`,
    );
    expect(errorOf(() => readCsvRuns(name, text, { ...mapping, metrics: ['pass@1'] })).field).toBe('pass@1');
  });
  it('refuses a non-numeric learning rate with file, line and field', () => {
    const bad = text.replace('"quoted"" 3e-6",3e-6', '"quoted"" 3e-6",3e-6x');
    const e = errorOf(() => readCsvRuns(name, bad, mapping));
    expect([e.file, e.line, e.field]).toEqual(['sweep-crlf.csv', 7, 'learning_rate']);
    expect(e.message).toContain("learning rate '3e-6x' is not a number");
  });
  it('refuses a zero learning rate (no nonzero lr in the log)', () => {
    expect(() => readCsvRuns('z.csv', 'run,lr,step,acc\na,0,1,0.5\n')).toThrow(/z\.csv, field 'lr': run 'a': no nonzero learning rate/);
  });
  it('refuses two runs with the same label (a repeated step) and a non-numeric metric', () => {
    const dup = 'label,learning_rate,grpo_step,acc\na,1e-6,0,0.1\na,3e-6,0,0.2\n';
    expect(errorOf(() => readCsvRuns('dup.csv', dup)).message).toMatch(
      /dup\.csv, line 3, field 'grpo_step': a second row for run 'a' at step 0 \(first on line 2\)/,
    );
    expect(errorOf(() => readCsvRuns('m.csv', 'label,lr,step,acc\na,1e-6,0,n/a\n', { metrics: ['acc'] })).message).toMatch(/m\.csv, line 2, field 'acc'/);
  });
  it('refuses an empty log and a header without rows', () => {
    expect(() => readCsvRuns('e.csv', '')).toThrow(/e\.csv: empty log/);
    expect(() => readCsvRuns('h.csv', 'label,lr,step\r\n')).toThrow(/h\.csv, line 2: empty log/);
  });
  it('refuses an unterminated quote with its line', () => {
    expect(() => readCsvRuns('q.csv', 'label,lr,step\n"a,1e-6,1\n')).toThrow(/q\.csv, line 2: unterminated quoted field/);
  });
});
