import { describe, expect, it } from 'vitest';
import { fixture } from './fixture-text.ts';
import { detectFormat, LogInputError, readLog, readLogs } from './index.ts';

describe('detectFormat', () => {
  it('picks the reader for each fixture', () => {
    const cases: [string, string][] = [
      ['lr-1e-6/trainer_state.json', 'trainer-state'],
      ['sweep-crlf.csv', 'csv'],
      ['metrics.jsonl', 'jsonl'],
      ['verl-gsm8k.log', 'verl'],
    ];
    for (const [path, format] of cases) {
      const { name, text } = fixture(path);
      expect(detectFormat(name, text)).toBe(format);
      expect(detectFormat('upload.txt', text)).toBe(format); // by content, whatever the name
    }
  });
  it('a verl log that opens with a one-line config dump is verl, not JSON', () => {
    expect(detectFormat('run.log', "{'actor_rollout_ref': {'actor': {'optim': {'lr': 1e-06}}}}\nstep:1 - critic/score/mean:0.250")).toBe('verl');
  });
  it('refuses a file that is none of the formats, and an empty one', () => {
    const e = (() => {
      try {
        detectFormat('notes.txt', 'Training went fine.\nNothing to see.');
      } catch (error) {
        return error as LogInputError;
      }
    })();
    expect(e).toBeInstanceOf(LogInputError);
    expect(e!.message).toBe(
      'notes.txt, line 1: not a recognised log: expected a trainer_state.json, a CSV, JSONL metrics, a verl console log, a W&B CSV export or a TensorBoard event file',
    );
    expect(() => detectFormat('config.json', '{\n  "lr": 1e-6\n}')).toThrow(/config\.json, line 1: not a recognised log/);
    expect(() => detectFormat('empty.csv', ' \n\n')).toThrow(/empty\.csv, line 1: empty log/);
  });
});

describe('readLogs', () => {
  it('reads mixed formats into one list of runs', () => {
    const runs = readLogs([fixture('lr-1e-6/trainer_state.json'), fixture('verl-gsm8k.log'), fixture('metrics.jsonl'), fixture('sweep-crlf.csv')]);
    expect(runs.map((r) => `${r.format}:${r.label}`)).toEqual([
      'trainer-state:lr-1e-6',
      'verl:verl-gsm8k',
      'jsonl:jsonl-run',
      'csv:lr 1e-6, seed 0',
      'csv:"quoted" 3e-6',
      'csv:lr 1e-4',
    ]);
  });
  it('refuses two runs with the same label, naming both files', () => {
    const a = fixture('verl-gsm8k.log');
    expect(() => readLogs([a, { name: 'copy/verl-gsm8k.log', text: a.text }])).toThrow(
      /^copy\/verl-gsm8k\.log, field 'label': two runs are labelled 'verl-gsm8k' \(also in verl-gsm8k\.log\)$/,
    );
  });
  it('a format can be forced', () => {
    expect(() => readLog('x.csv', 'step:1 - a:1', { format: 'csv' })).toThrow(LogInputError);
  });
});
