/** Flag values in-process: --shard and --threads bounds, repeats and missing values, empty shards. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';
import { InputError } from './cli-error.ts';
import { threadsFlag } from './commands/run-command.ts';
import { COMMANDS } from './main.ts';
import { emptyRange } from './run-range.ts';
import { MAX_SHARDS, parseShard, shardRange } from './shard.ts';

describe('--shard', () => {
  it('takes n up to what gradgap merge joins', () => {
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS, count: MAX_SHARDS });
    expect(MAX_SHARDS).toBe(COMMANDS.merge.positional.max);
  });
  it.each([
    ['1/1025', /n must be an integer in \[1, 1024\]/],
    ['1/1000000', /n must be an integer in \[1, 1024\]/],
    ['99999999999999999999/99999999999999999999', /n must be an integer in \[1, 1024\]/],
    ['9007199254740993/2', /i must be in \[1, n\]/],
    ['0/0', /n must be an integer in \[1, 1024\]/],
    ['1/2/3', /must be i\/n/],
    ['', /must be i\/n/],
  ])('refuses %s naming --shard', (text, message) => {
    expect(() => parseShard(text)).toThrow(InputError);
    expect(() => parseShard(text)).toThrow(new RegExp(`^--shard .*${message.source}`));
  });
  it('is empty, not an error, when there are more shards than runs', () => {
    expect([1, 2, 3, 4, 5, 6].map((i) => shardRange({ index: i, count: 6 }, 4))).toEqual([
      [0, 0],
      [0, 1],
      [1, 2],
      [2, 2],
      [2, 3],
      [3, 4],
    ]);
  });
  it('an empty shard gives valid results with no runs', async () => {
    const r = await emptyRange({ base: { V: 8, d: 6, L: 2 }, grid: { stepSize: [1, 2] }, seeds: 2 }, 3);
    expect(r).toMatchObject({ runRange: [3, 3], runCount: 4, runsDone: 0, complete: true, cellStats: [] });
    expect(r.runs.runCount).toBe(0);
    expect(r.runs.finalJ).toHaveLength(0);
    expect(r.cells).toHaveLength(2);
  });
});

describe('--threads', () => {
  it('takes decimal digits for an integer in [1, 1024]', () => {
    expect([undefined, '1', '08', '1024'].map(threadsFlag)).toEqual([undefined, 1, 8, 1024]);
  });
  it.each(['0', '-1', '1025', 'NaN', '1e400', '1e1', '2.5', '4.0', '0x10', ' 4', '+4', '', 'Infinity', '99999999999999999999'])('refuses %j', (value) => {
    expect(() => threadsFlag(value)).toThrow(/^--threads .*: must be an integer in \[1, 1024\]$/);
  });
});

describe('parseArgs', () => {
  it.each([
    [['run', 'nb.html', '--out', 'o', '--quiet', '--quiet'], /^--quiet given twice$/],
    [['run', 'nb.html', '--out', 'o', '--out=p'], /^--out given twice$/],
    [['run', 'nb.html', '--out', '--quiet'], /^--out needs a value: a directory$/],
    [['run', 'nb.html', '--out'], /^--out needs a value: a directory$/],
    [['run', 'nb.html', '--out', 'o', '--host='], /^--host needs a value: one of dawn, chrome$/],
    [['run', 'nb.html', '--out', 'o', '--threads'], /^--threads needs a value: an integer in \[1, 1024\]$/],
    [['run', 'nb.html', '--out', 'o', '--shard', ''], /^--shard needs a value: i\/n with n in \[1, 1024\] and i in \[1, n\], or slurm$/],
  ])('%j is bad input', (argv, message) => {
    expect(() => parseArgs(argv, COMMANDS)).toThrow(InputError);
    expect(() => parseArgs(argv, COMMANDS)).toThrow(message);
  });
  it('a value may start with -- when given with =', () => {
    expect(parseArgs(['run', 'nb.html', '--out=--odd'], COMMANDS).flags.out).toBe('--odd');
  });
});
