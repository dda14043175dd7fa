import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';
import { InputError } from './cli-error.ts';
import { f32FromJson, f32Json, f32Text } from './float-format.ts';
import { COMMANDS } from './main.ts';
import { parseShard, shardRange } from './shard.ts';

describe('parseArgs', () => {
  it('reads a command, positionals and flags in both spellings', () => {
    const a = parseArgs(['run', 'nb.html', '--out', 'o', '--host=chrome', '--quiet'], COMMANDS);
    expect(a).toEqual({ command: 'run', positional: ['nb.html'], flags: { out: 'o', host: 'chrome', quiet: true } });
  });
  it.each([
    [['run', 'nb.html', '--out', 'o', '--colour', 'x'], /unknown flag --colour/],
    [['run', 'nb.html'], /needs --out/],
    [['run', 'nb.html', '--out', 'o', '--host', 'firefox'], /must be one of dawn, chrome/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['verify'], /needs NOTEBOOK/],
    [['run', 'a.html', 'b.html', '--out', 'o'], /takes one NOTEBOOK/],
  ])('%j is bad input', (argv, message) => {
    expect(() => parseArgs(argv, COMMANDS)).toThrow(InputError);
    expect(() => parseArgs(argv, COMMANDS)).toThrow(message);
  });
});

describe('shards', () => {
  it('tile the runs with no gap or overlap', () => {
    for (const [total, n] of [
      [640, 3],
      [7, 7],
      [5, 8],
      [4096, 16],
    ]) {
      let next = 0;
      for (let i = 1; i <= n; i++) {
        const [b, e] = shardRange({ index: i, count: n }, total);
        expect(b).toBe(next);
        next = e;
      }
      expect(next).toBe(total);
    }
  });
  it.each(['3/2', '0/2', '1/0', 'a/b', '1-2', '2'])('rejects --shard %s', (text) => {
    expect(() => parseShard(text)).toThrow(InputError);
  });
});

describe('f32 text', () => {
  it('is the shortest decimal that reads back to the same bits', () => {
    expect(f32Text(Math.fround(0.1))).toBe('0.1');
    expect(f32Text(Math.fround(1 / 3))).toBe('0.33333334');
    for (const x of [Math.fround(1e-30), Math.fround(123456.79), Math.fround(2 ** -149), 3.4028234663852886e38, 0]) {
      expect(Math.fround(Number(f32Text(x)))).toBe(x);
      expect(f32FromJson(f32Json(x))).toBe(x);
    }
  });
  it('spells out non-finite values', () => {
    expect([NaN, Infinity, -Infinity].map(f32Json)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(f32FromJson('NaN')).toBeNaN();
    expect(f32FromJson('-Infinity')).toBe(-Infinity);
  });
});
