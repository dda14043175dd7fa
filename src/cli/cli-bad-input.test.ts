/** Bad input exits 2 with a one-line reason on stderr, before anything runs, and leaves nothing half-written. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, gradgap, reason, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';

const TINY = join(FIXTURES, 'tiny.html');
/** Bad input is refused before anything runs: seconds at most, however loaded the machine. */
const BOUND_MS = 20_000;

/** Everything in `dir`, hidden entries (staging folders, partial files) included. */
const everything = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('bad input', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    ['a missing notebook', (dir) => ['run', join(dir, 'nope.html'), '--out', join(dir, 'out')], /nope\.html: no such file/],
    ['a notebook with a broken sweep', (dir) => ['run', join(FIXTURES, 'broken-sweep.html'), '--out', join(dir, 'out')], /sweep cell "sweep": base\.L: L = 0: must be an integer in \[1, 256\]/],
    ['a file that is not a notebook', (dir) => ['run', join(FIXTURES, '../../../package.json'), '--out', join(dir, 'out')], /no <notebook> element/],
    ['--shard 3/2', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--shard', '3/2'], /--shard 3\/2: i must be in \[1, n\]/],
    ['an unknown flag', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--colour', 'red'], /unknown flag --colour/],
    ['an --out under a file', (dir) => ['run', TINY, '--out', join(dir, 'file.txt', 'out')], /--out .*file\.txt\/out is not writable/],
    // Node's recursive mkdir loops for ever on a path it cannot create under an existing parent.
    ['an --out that cannot be created (/proc/x)', () => ['run', TINY, '--out', '/proc/gradgap-x'], /--out \/proc\/gradgap-x is not writable: ENOENT/],
    ['an --out deep under /proc', () => ['run', TINY, '--out', '/proc/gradgap-x/y/z'], /--out \/proc\/gradgap-x\/y\/z is not writable: ENOENT/],
    ['--threads 0', (dir) => ['run', TINY, '--out', join(dir, 'out'), '--threads', '0'], /--threads 0: must be an integer/],
    ['verify without baked results', (dir) => ['verify', TINY, '--baked', join(dir, 'none.results.json')], /none\.results\.json: no baked results/],
  ];

  it.each(cases)('%s exits 2 with a reason and writes nothing', async (_name, argv, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file.txt'), 'not a directory');
    const run = await gradgap(argv(dir), {}, { timeoutMs: BOUND_MS });
    expect(run.timedOut, `still running after ${BOUND_MS / 1000} s`).toBe(false);
    expect(run.code).toBe(2);
    expect(reason(run)).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1); // one line, nothing else: the host never started
    expect(everything(dir)).toEqual(['file.txt']);
  });

  it('an --out that already holds results keeps them when a run fails', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'sweeps'));
    writeFileSync(join(out, 'sweeps', 'sweep.json'), 'earlier results');
    const run = await gradgap(['run', TINY, '--out', out, '--host', 'chrome'], { CHROME_PATH: join(out, 'no-such-chrome') }, { timeoutMs: BOUND_MS });
    expect(run.code).toBe(1);
    expect(reason(run)).toMatch(/CHROME_PATH=.*no-such-chrome does not exist/);
    expect(everything(out)).toEqual(['sweeps', 'sweeps/sweep.json']);
    expect(listFiles(out)).toEqual(['sweeps/sweep.json']);
  });

  it('a new --out (and the folders made for it) is removed again when a run fails', async () => {
    const dir = tempDir();
    const run = await gradgap(['run', TINY, '--out', join(dir, 'new', 'deeper', 'out'), '--host', 'chrome'], { CHROME_PATH: join(dir, 'no-such-chrome') }, { timeoutMs: BOUND_MS });
    expect(run.code).toBe(1);
    expect(reason(run)).toMatch(/CHROME_PATH=.*no-such-chrome does not exist/);
    expect(everything(dir)).toEqual([]);
  });
});
