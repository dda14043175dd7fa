/** Bad input exits 2 with a one-line reason on stderr, before anything runs, and leaves nothing half-written. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, gradgap, gradgapInProcess, reason, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';

const TINY = join(FIXTURES, 'tiny.html');

/** Everything in `dir`, hidden entries (staging folders, partial files) included. */
const everything = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('bad input', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    ['a missing notebook', (dir) => ['run', join(dir, 'nope.html'), '--out', join(dir, 'out')], /nope\.html: no such file/],
    [
      'a notebook with a broken sweep',
      (dir) => ['run', join(FIXTURES, 'broken-sweep.html'), '--out', join(dir, 'out')],
      /sweep cell "sweep": base\.L: L = 0: must be an integer in \[1, 256\]/,
    ],
    ['a file that is not a notebook', (dir) => ['run', join(FIXTURES, '../../../package.json'), '--out', join(dir, 'out')], /no <notebook> element/],
    ['--shard 3/2', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '3/2'], /--shard 3\/2: i must be in \[1, n\]/],
    ['an unknown flag', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--colour', 'red'], /unknown flag --colour/],
    ['an --out under a file', (dir) => ['run', TINY, '--out', join(dir, 'file.txt', 'out')], /--out .*file\.txt\/out is not writable/],
    // Node's recursive mkdir loops for ever on a path it cannot create under an existing parent.
    ['an --out that cannot be created (/proc/x)', () => ['run', TINY, '--out', '/proc/gradgap-x'], /--out \/proc\/gradgap-x is not writable: ENOENT/],
    ['an --out deep under /proc', () => ['run', TINY, '--out', '/proc/gradgap-x/y/z'], /--out \/proc\/gradgap-x\/y\/z is not writable: ENOENT/],
    ['--threads 0', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--threads', '0'], /--threads 0: must be an integer/],
    ['verify without baked results', (dir) => ['verify', TINY, '--baked', join(dir, 'none.results.json')], /none\.results\.json: no baked results/],
    // --shard: n is at most 1024 (what gradgap merge joins); numbers past 2^53 are refused, not rounded.
    ['--shard 1/1000000', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '1/1000000'], /--shard 1\/1000000: n must be an integer in \[1, 1024\]/],
    [
      '--shard with 20-digit numbers',
      (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '99999999999999999999/99999999999999999999'],
      /--shard 9{20}\/9{20}: n must be an integer in \[1, 1024\]/,
    ],
    [
      '--shard with a 20-digit i',
      (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '99999999999999999999/4'],
      /--shard 9{20}\/4: i must be in \[1, n\]/,
    ],
    ['--shard 0/0', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '0/0'], /--shard 0\/0: n must be an integer in \[1, 1024\]/],
    ['--shard -1/2', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '-1/2'], /--shard -1\/2: must be i\/n/],
    ['--shard 1.5/2', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '1.5/2'], /--shard 1\.5\/2: must be i\/n/],
    ['an empty --shard', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', ''], /--shard needs a value: i\/n with n in \[1, 1024\]/],
    ['--shard given twice', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '1/2', '--shard', '2/2'], /--shard given twice/],
    // --threads: decimal digits for an integer in [1, 1024], in every command that takes it.
    ...['-1', 'NaN', '1e400', '1e1', '2.5', '0x10', ' 4', '1025', '99999999999999999999', 'Infinity'].map(
      (value): [string, (dir: string) => string[], RegExp] => [
        `--threads ${JSON.stringify(value)}`,
        (dir) => ['run', TINY, '--out', join(dir, 'out'), '--threads', value],
        new RegExp(`--threads ${value.replace(/[.+]/g, '\\$&')}: must be an integer in \\[1, 1024\\]`),
      ],
    ),
    ['an empty --threads', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--threads='], /--threads needs a value: an integer in \[1, 1024\]/],
    ['--threads with no value', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--threads'], /--threads needs a value: an integer in \[1, 1024\]/],
    ['--threads given twice', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--threads', '2', '--threads=2'], /--threads given twice/],
    ['verify --threads 1e400', () => ['verify', 'notebooks/threshold.html', '--threads', '1e400'], /--threads 1e400: must be an integer in \[1, 1024\]/],
    ['bench --threads -3', () => ['bench', '--threads', '-3'], /--threads -3: must be an integer in \[1, 1024\]/],
    // Everything else: a missing, empty, unknown or repeated value names the flag and what it takes.
    ['--out with no value', () => ['run', TINY, '--out'], /--out needs a value: a directory/],
    ['--out followed by a flag', () => ['run', TINY, '--out', '--quiet'], /--out needs a value: a directory/],
    ['an empty --out', () => ['run', TINY, '--out', ''], /--out needs a value: a directory/],
    ['--out given twice', (dir) => ['run', TINY, '--out', join(dir, 'a'), '--out', join(dir, 'b')], /--out given twice/],
    ['an empty --host', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--host='], /--host needs a value: one of dawn, chrome/],
    ['--host firefox', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--host', 'firefox'], /--host firefox: must be one of dawn, chrome/],
    ['--backend gpu', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--backend', 'gpu'], /--backend gpu: must be one of auto, webgpu, cpu/],
    ['--spec with no value', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--spec'], /--spec needs a value: one of published, cell/],
    ['--quiet given twice', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--quiet', '--quiet'], /--quiet given twice/],
    ['--quiet=yes', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--quiet=yes'], /--quiet takes no value/],
    ['an empty --baked', () => ['verify', TINY, '--baked', ''], /--baked needs a value: a \.results\.json file/],
    ['bench --workload W4', () => ['bench', '--workload', 'W4'], /--workload W4: must be one of W1, W1-adamw, W1-eos, W1-prompts, W1-ppo, W2, W3, all/],
    ['merge with an empty --out', (dir) => ['merge', dir, '--out='], /--out needs a value: a directory/],
  ];

  it.each(cases)('%s exits 2 with a reason and writes nothing', async (_name, argv, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file.txt'), 'not a directory');
    // In-process through main: the refusal is all it writes (the host never starts).
    const run = await gradgapInProcess(argv(dir));
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1); // one line, nothing else: the host never started
    expect(everything(dir)).toEqual(['file.txt']);
  });

  it('an --out that already holds results keeps them when a run fails', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'sweeps'));
    writeFileSync(join(out, 'sweeps', 'sweep.json'), 'earlier results');
    const run = await gradgap(['run', TINY, '--out', out, '--host', 'chrome'], { CHROME_PATH: join(out, 'no-such-chrome') });
    expect(run.code).toBe(1);
    expect(reason(run)).toMatch(/CHROME_PATH=.*no-such-chrome does not exist/);
    expect(everything(out)).toEqual(['sweeps', 'sweeps/sweep.json']);
    expect(listFiles(out)).toEqual(['sweeps/sweep.json']);
  });

  it('a new --out (and the folders made for it) is removed again when a run fails', async () => {
    const dir = tempDir();
    const run = await gradgap(['run', TINY, '--out', join(dir, 'new', 'deeper', 'out'), '--host', 'chrome'], { CHROME_PATH: join(dir, 'no-such-chrome') });
    expect(run.code).toBe(1);
    expect(reason(run)).toMatch(/CHROME_PATH=.*no-such-chrome does not exist/);
    expect(everything(dir)).toEqual([]);
  });
});
