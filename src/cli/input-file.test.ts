/**
 * The read rule: every file the program reads is a regular file (a FIFO never blocks, a device is
 * never read), stays where it must once symlinks are followed, and is within its kind's limit
 * (checked before reading); messages quote at most a short, escaped excerpt of what was read.
 * The CLI cases run its entry point in this process, with SECRET_XYZ set, and list a sentinel
 * folder before and after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './cli-error.ts';
import { cells, gradgapInProcess, listAll, notebookFolder, SECRET_NAME, SECRET_VALUE, sentinel } from './file-rules-kit.ts';
import { INPUT_LIMITS, readInputFile } from './input-file.ts';
import { ROOT, sha256 } from './provenance-info.ts';

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
/** A sparse file of `bytes` (no disk used): its size says big, its content is zeros. */
function sparse(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}
const GiB = 2 ** 30;

describe('readInputFile: the one rule for files read', () => {
  const root = sentinel();
  const dir = join(root, 'nb');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'real.csv'), 'a,b\n1,2\n');
  symlinkSync(join(dir, 'data', 'real.csv'), join(dir, 'data', 'link.csv'));
  writeFileSync(join(root, 'secret.txt'), `${SECRET_NAME}=${SECRET_VALUE}\n`);
  symlinkSync(join(root, 'secret.txt'), join(dir, 'data', 'escape.csv'));
  symlinkSync('/proc/self/environ', join(dir, 'data', 'environ.csv'));
  mkfifo(join(dir, 'data', 'fifo.csv'));
  symlinkSync('/dev/zero', join(dir, 'data', 'zero.csv'));
  sparse(join(dir, 'data', 'huge.csv'), 2 * GiB);

  it('reads a regular file, and a symlink that stays inside the folder', () => {
    expect(readInputFile(join(dir, 'data', 'real.csv'), 'logs', { inside: dir })).toBe('a,b\n1,2\n');
    expect(readInputFile(join(dir, 'data', 'link.csv'), 'logs', { inside: dir })).toBe('a,b\n1,2\n');
  });

  it.each([
    ['a FIFO (it never blocks)', 'fifo.csv', /is a FIFO \(named pipe\); a logs file must be a regular file/],
    ['/dev/zero through a symlink', 'zero.csv', /outside .*nb; a logs file must stay inside that folder/],
    ['a symlink to a file outside the folder', 'escape.csv', /resolves \(through a symlink\) to a file outside/],
    ['a symlink to /proc/self/environ', 'environ.csv', /resolves \(through a symlink\) to a file outside/],
    ['a 2 GiB sparse file', 'huge.csv', /is 2 GiB, larger than the 256 MiB limit for a logs file/],
    ['a directory', '.', /is a directory; a logs file must be a regular file/],
    ['a missing file', 'missing.csv', /no such file/],
  ])('refuses %s (InputError, no content echoed)', (_what, name, message) => {
    const read = () => readInputFile(join(dir, 'data', name), 'logs', { inside: dir });
    expect(read).toThrow(InputError);
    expect(read).toThrow(message);
    try {
      read();
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET_VALUE);
    }
  });

  it('refuses a device and a FIFO named directly, and a sparse file past the notebook limit', () => {
    expect(() => readInputFile('/dev/zero', 'notebook')).toThrow(/is a character device; a notebook must be a regular file/);
    expect(() => readInputFile(join(dir, 'data', 'fifo.csv'), 'baked')).toThrow(/FIFO/);
    expect(() => readInputFile(join(dir, 'data', 'huge.csv'), 'notebook')).toThrow(/larger than the 8 MiB limit for a notebook/);
  });

  it('reads a file whose size says 0 (under /proc) to its end, still bounded by the limit', () => {
    expect(readInputFile('/proc/self/status', 'cache')).toMatch(/^Name:/);
  });

  it('names every limit in bytes that fit what real files need', () => {
    expect(INPUT_LIMITS.notebook.bytes).toBe(8 * 2 ** 20);
    expect(INPUT_LIMITS.logs.bytes).toBe(256 * 2 ** 20);
    // The built-in notebooks' baked files are well under the limit, and it is no more than V8's longest string.
    expect(INPUT_LIMITS.baked.bytes).toBeGreaterThanOrEqual(256 * 2 ** 20);
  });
});

/** A notebook folder whose logs cell reads data/<file>, prepared by `prepare(dataDir)`; runs it in process. */
async function runWithLogsFile(file: string, prepare: (data: string, root: string) => void) {
  const root = sentinel();
  const nb = notebookFolder(root, [cells.logs('runs', `data/${file}`)]);
  prepare(join(root, 'nb', 'data'), root);
  const before = listAll(root);
  const run = await gradgapInProcess(['run', nb, '--out', join(root, 'out'), '--quiet']);
  return { run, before, after: listAll(root) };
}

describe('gradgap run: logs files by the read rule (exit 2, nothing written, nothing echoed)', () => {
  const cases: [string, string, (data: string, root: string) => void, RegExp][] = [
    ['a FIFO', 'pipe.csv', (d) => mkfifo(join(d, 'pipe.csv')), /files\[0\] = "data\/pipe\.csv": is a FIFO/],
    [
      'a symlink to /dev/zero',
      'zero.csv',
      (d) => symlinkSync('/dev/zero', join(d, 'zero.csv')),
      /files\[0\] = "data\/zero\.csv": resolves \(through a symlink\) to a file outside/,
    ],
    [
      'a symlink to a secret outside the folder',
      'secret.csv',
      (d, root) => {
        writeFileSync(join(root, 'secret.txt'), `label,learning_rate,step,acc\n${SECRET_VALUE},1e-5,0,0.2\n`);
        symlinkSync(join(root, 'secret.txt'), join(d, 'secret.csv'));
      },
      /resolves \(through a symlink\) to a file outside/,
    ],
    ['a symlink to /proc/self/environ', 'environ.csv', (d) => symlinkSync('/proc/self/environ', join(d, 'environ.csv')), /outside/],
    ['a 2 GiB sparse file', 'huge.csv', (d) => sparse(join(d, 'huge.csv'), 2 * GiB), /is 2 GiB, larger than the 256 MiB limit for a logs file/],
    ['a folder', 'folder.csv', (d) => mkdirSync(join(d, 'folder.csv')), /is a directory/],
  ];
  it.each(cases)('%s', async (_what, file, prepare, message) => {
    const { run, before, after } = await runWithLogsFile(file, prepare);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(after).toEqual(before);
    expect(run.stderr).not.toContain(SECRET_VALUE);
  });

  it('a logs file holding the environment (a header of NUL-separated secrets): the message quotes at most a short excerpt', async () => {
    const environ = `HOME=/root\0LANG=C.UTF-8\0PATH=/usr/local/bin:/usr/bin:/bin\0TERM=xterm\0${SECRET_NAME}=${SECRET_VALUE}\0`;
    const { run, before, after } = await runWithLogsFile('environ.csv', (d) => writeFileSync(join(d, 'environ.csv'), `${environ}\n${environ}\n`));
    expect(run.code).toBe(2);
    expect(after).toEqual(before);
    expect(run.stderr).not.toContain(SECRET_VALUE);
    expect(run.stderr).not.toContain('\0');
    expect(run.stderr).toMatch(/environ\.csv/);
    expect(run.stderr.length).toBeLessThan(400);
  });
});

describe('gradgap run, verify and merge: the notebook, --baked and shard files by the read rule', () => {
  it('a FIFO as the notebook: exit 2 at once, --out untouched', async () => {
    const root = sentinel();
    mkfifo(join(root, 'nb.html'));
    const before = listAll(root);
    const run = await gradgapInProcess(['run', join(root, 'nb.html'), '--out', join(root, 'out')]);
    expect(run.stderr).toMatch(/nb\.html: is a FIFO \(named pipe\); a notebook must be a regular file/);
    expect(run.code).toBe(2);
    expect(listAll(root)).toEqual(before);
  });

  it('/dev/zero and a 2 GiB sparse file as the notebook: exit 2 naming the kind and the limit', async () => {
    const root = sentinel();
    symlinkSync('/dev/zero', join(root, 'zero.html'));
    sparse(join(root, 'big.html'), 2 * GiB);
    const zero = await gradgapInProcess(['run', join(root, 'zero.html'), '--out', join(root, 'out')]);
    expect(zero.stderr).toMatch(/zero\.html: is a character device/);
    expect(zero.code).toBe(2);
    const big = await gradgapInProcess(['verify', join(root, 'big.html')]);
    expect(big.stderr).toMatch(/big\.html: is 2 GiB, larger than the 8 MiB limit for a notebook/);
    expect(big.code).toBe(2);
  });

  it('a FIFO as --baked: verify exits 2 without waiting', async () => {
    const root = sentinel();
    const nb = notebookFolder(root, [cells.logs('runs', 'data/runs.csv')]);
    mkfifo(join(root, 'baked.results.json'));
    const run = await gradgapInProcess(['verify', nb, '--baked', join(root, 'baked.results.json')]);
    expect(run.stderr).toMatch(/baked\.results\.json: is a FIFO \(named pipe\); a baked-results file must be a regular file/);
    expect(run.code).toBe(2);
  });

  it("a shard's provenance.json as a FIFO, its notebook copy as a link outside the shard, its results as a FIFO: exit 2 each", async () => {
    const root = sentinel();
    const text = readFileSync(notebookFolder(root, [cells.sweep('sweep')]), 'utf8');
    const shard = (name: string) => {
      const dir = join(root, name);
      mkdirSync(join(dir, 'sweeps'), { recursive: true });
      return dir;
    };
    const prov = (over: object = {}) =>
      JSON.stringify({
        format: 'gradgap-provenance',
        version: 1,
        notebook: { file: 'rules.html', title: 't', sha256: sha256(text) },
        runtime: 'node',
        wallMs: 1,
        sweeps: {},
        ...over,
      });

    const a = shard('fifo-provenance');
    mkfifo(join(a, 'provenance.json'));
    let run = await gradgapInProcess(['merge', a, '--out', join(root, 'out-a')]);
    expect(run.stderr).toMatch(/provenance\.json: is a FIFO/);
    expect(run.code).toBe(2);

    const b = shard('linked-notebook');
    writeFileSync(join(b, 'provenance.json'), prov());
    writeFileSync(join(root, 'outside.html'), text);
    symlinkSync(join(root, 'outside.html'), join(b, 'notebook.html'));
    run = await gradgapInProcess(['merge', b, '--out', join(root, 'out-b')]);
    expect(run.stderr).toMatch(/notebook\.html: resolves \(through a symlink\) to a file outside/);
    expect(run.code).toBe(2);

    const c = shard('fifo-results');
    writeFileSync(join(c, 'notebook.html'), text);
    writeFileSync(
      join(c, 'provenance.json'),
      prov({
        sweeps: { sweep: { specHash: '0'.repeat(64), backend: { kind: 'cpu', threads: 1, adapter: 'x', fallbackAdapter: false, reason: '' }, wallMs: 1 } },
      }),
    );
    mkfifo(join(c, 'sweeps', 'sweep.json'));
    const before = listAll(root);
    run = await gradgapInProcess(['merge', c, '--out', join(root, 'out-c')]);
    expect(run.stderr).toMatch(/sweep\.json: is a FIFO \(named pipe\); a shard's results file must be a regular file/);
    expect(run.code).toBe(2);
    expect(listAll(root)).toEqual(before);
    expect(run.stderr).not.toContain(SECRET_VALUE);
  });
});

describe('end to end through bin/gradgap.mjs (one spawned process)', () => {
  it('a logs file that is a FIFO: the real command exits 2, does not block, and echoes no secret', () => {
    const root = sentinel();
    const nb = notebookFolder(root, [cells.logs('runs', 'data/pipe.csv')]);
    mkfifo(join(root, 'nb', 'data', 'pipe.csv'));
    const before = listAll(root);
    // The timeout is a hang detector (minutes), not a limit on how fast the command must be.
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/gradgap.mjs'), 'run', nb, '--out', join(root, 'out')], {
      cwd: ROOT,
      env: { ...process.env, [SECRET_NAME]: SECRET_VALUE },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.signal).toBeNull();
    expect(run.stderr).toMatch(/files\[0\] = "data\/pipe\.csv": is a FIFO/);
    expect(run.status).toBe(2);
    expect(run.stderr).not.toContain(SECRET_VALUE);
    expect(listAll(root)).toEqual(before);
  }, 300_000);
});
