// The site plugin publishes what is in the notebooks folder and nothing a link leads to: a
// notebook folder from the internet may hold a symlink to ~/.ssh or a FIFO, and `vite build`
// would otherwise copy the secret into the site or hang on the FIFO.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFiles, notebookList } from './notebook-pages.ts';

const NOTEBOOK = '<!doctype html>\n<notebook>\n<title>Plain</title>\n</notebook>\n';

describe('the site reads only regular files inside its folder', () => {
  let root: string;
  let dir: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gg-site-'));
    dir = join(root, 'notebooks');
    mkdirSync(join(dir, 'data', 'runs'), { recursive: true });
    writeFileSync(join(root, 'secret.txt'), 'SECRET_XYZ');
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'more.csv'), 'SECRET_XYZ');
    writeFileSync(join(dir, 'plain.html'), NOTEBOOK);
    symlinkSync(join(root, 'secret.txt'), join(dir, 'linked.html'));
    execFileSync('mkfifo', [join(dir, 'pipe.html')]);
    writeFileSync(join(dir, 'data', 'runs', 'ok.csv'), 'step,J\n0,0.5\n');
    symlinkSync(join(root, 'secret.txt'), join(dir, 'data', 'secret.csv'));
    symlinkSync('/proc/self/environ', join(dir, 'data', 'environ.csv'));
    symlinkSync(join(root, 'outside'), join(dir, 'data', 'linked-folder'));
    execFileSync('mkfifo', [join(dir, 'data', 'pipe.csv')]);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists regular data files and leaves out symlinks, symlinked folders and FIFOs', () => {
    expect(dataFiles(dir)).toEqual(['data/runs/ok.csv']);
  });

  it('makes pages only from regular notebook files (a link or a FIFO named *.html is skipped, not read)', () => {
    expect(notebookList(dir)).toEqual([{ name: 'plain', title: 'Plain' }]);
  });
});
