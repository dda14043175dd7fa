// Inputs built to break the readers: a repeated column, a very wide CSV, a verl log of broken
// config dumps, JSON nested thousands deep, and long lines that an error message must not echo.
import { describe, expect, it } from 'vitest';
import { readConfigDumps } from './config-dump.ts';
import { EXCERPT_CHARS, excerpt } from './input-limits.ts';
import { rayStreams } from './ray-console.ts';
import { LogInputError, readCsvRuns, readJsonlRuns, readLog, readTrainerState, readVerlLog } from './index.ts';

/** A hang detector, not a timing: linear readers take a few seconds here; the quadratic ones took hours. */
const HANG_MS = 300_000;

function thrown(f: () => unknown): LogInputError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(LogInputError);
    return error as LogInputError;
  }
  throw new Error('expected a LogInputError');
}

describe('a CSV header that names a column twice', () => {
  it('is refused, naming the column and both positions (the last no longer wins silently)', () => {
    const text = 'label,lr,step,acc,format,acc\na,1e-6,1,0.9,0.5,0.1\n';
    const e = thrown(() => readCsvRuns('dup.csv', text));
    expect(e.message).toBe("dup.csv, line 1, field 'acc': the header names column 'acc' twice (columns 4 and 6): rename one so each column has its own name");
  });
  it('is refused even when the repeated column is not a metric', () => {
    expect(() => readCsvRuns('dup.csv', 'label,lr,step,acc,note,note\na,1e-6,1,0.9,x,y\n')).toThrow(/columns 5 and 6/);
  });
});

describe('size does not make the readers quadratic', () => {
  it(
    'a CSV with 300,000 metric columns is read (every column kept)',
    () => {
      const cols = 300_000;
      const header = ['step', 'lr', ...Array.from({ length: cols }, (_, i) => `m${i}`)].join(',');
      const row = (s: number) => [s, '1e-6', ...Array.from({ length: cols }, (_, i) => (i % 7) / 8)].join(',');
      const [run] = readCsvRuns('wide.csv', `${header}\n${row(1)}\n${row(2)}\n`);
      expect(Object.keys(run.metrics).length).toBe(cols);
      expect(run.metrics.m299999).toEqual({ steps: [1, 2], values: [(299_999 % 7) / 8, (299_999 % 7) / 8] });
    },
    HANG_MS,
  );

  it('scanning a verl log of 400,000 broken config dumps examines each character at most a few times', () => {
    const n = 400_000;
    const lines = Array.from({ length: n }, (_, i) => `(TaskRunner pid=1) {'actor_rollout_ref': {'actor': {'optim': {'lr': ${i % 10}`);
    const text = `${lines.join('\n')}\n(TaskRunner pid=1) step:1 - actor/lr:0.001 - critic/score/mean:0.5\n`;
    const work = { chars: 0 };
    const dumps = readConfigDumps(rayStreams(text).get('pid=1')!, work);
    expect(dumps.length).toBe(n); // each broken line is its own (broken) dump, none swallows the next
    expect(work.chars).toBeLessThanOrEqual(2 * text.length);
    // The same count on a tenth of the lines is a tenth of the work: linear, not a coincidence of the size.
    const small = `${lines.slice(0, n / 10).join('\n')}\n`;
    const smallWork = { chars: 0 };
    readConfigDumps(rayStreams(small).get('pid=1')!, smallWork);
    expect(work.chars / smallWork.chars).toBeLessThan(11);
  });

  it(
    'the whole verl reader finishes on it and keeps the logged lr',
    () => {
      const lines = Array.from({ length: 400_000 }, () => `(TaskRunner pid=1) {'actor_rollout_ref': {'actor': {'optim': {'lr': 0`);
      const [run] = readVerlLog('broken.log', `${lines.join('\n')}\n(TaskRunner pid=1) step:1 - actor/lr:0.001 - critic/score/mean:0.5\n`);
      expect([run.learningRate, run.learningRateSource]).toEqual([0.001, 'log']);
    },
    HANG_MS,
  );
});

describe('JSON nested thousands deep', () => {
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  it('a JSONL line is refused with the file and line, not a stack overflow', () => {
    const e = thrown(() => readJsonlRuns('deep.jsonl', `{"step":1,"lr":1e-6,"acc":0.5}\n${deep}\n`));
    expect(e.message).toBe('deep.jsonl, line 2: nested deeper than 100 levels (at column 501): not a metrics line');
  });
  it('so is a trainer_state.json, and detection does not recurse either', () => {
    const doc = `{\n"log_history": [\n${deep}\n]}`;
    expect(thrown(() => readTrainerState('t.json', doc)).message).toBe('t.json, line 3: nested deeper than 100 levels: not a trainer_state.json');
    expect(() => readLog('deep.jsonl', deep)).toThrow(/deep\.jsonl, line 1: nested deeper than 100 levels/);
  });
  it('brackets inside strings do not count', () => {
    const [run] = readJsonlRuns('s.jsonl', `{"step":1,"lr":1e-6,"acc":0.5,"note":"${'{['.repeat(500)}"}\n`);
    expect(run.metrics.acc.values).toEqual([0.5]);
  });
});

describe('error messages quote at most a short, escaped excerpt', () => {
  const secret = `SECRET_TOKEN=${'x'.repeat(5000)}\u0007`;
  it('a CSV cell, a JSONL value, a verl lr and a header name', () => {
    const messages = [
      thrown(() => readCsvRuns('a.csv', `label,lr,step,acc\nrun,${secret},1,0.5\n`)).message,
      thrown(() => readJsonlRuns('b.jsonl', `{"step":1,"lr":"${secret.slice(0, -1)}","acc":1}\n`)).message,
      thrown(() => readVerlLog('c.log', `step:1 - actor/lr:${secret} - a:1\n`)).message,
      thrown(() => readCsvRuns('d.csv', `label,lr,step,${secret},${secret}\n`)).message,
      thrown(() => readCsvRuns('e.csv', `label,lr,step,acc\n`, { step: secret })).message,
    ];
    for (const m of messages) {
      expect(m.length).toBeLessThan(400);
      expect(m).not.toContain('x'.repeat(EXCERPT_CHARS + 1));
      expect(m).not.toContain('\u0007');
      expect(m).toContain('SECRET_TOKEN=xxx');
    }
  });
  it('excerpt escapes control characters, quotes and backslashes, and marks a cut', () => {
    expect(excerpt("a'b\\c\n\u0001é")).toBe("'a\\'b\\\\c\\n\\u0001\\u00e9'");
    expect(excerpt('y'.repeat(100))).toBe(`'${'y'.repeat(60)}…'`);
  });
});
