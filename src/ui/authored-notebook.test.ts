/**
 * The notebook write-notebook.browser.test.ts writes in the page (fixtures/authored-notebook.html,
 * which that test checks its download against byte for byte), run headless with `gradgap run`:
 * it exits 0 and its per-cell results are the page's (fixtures/authored-notebook.cells.csv, which
 * that test checks the page's results against). Both run the CPU twin, so the match is exact.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURE = join(import.meta.dirname, 'fixtures/authored-notebook.html');

describe('a notebook written in the app, run by the command line', () => {
  it('gradgap run exits 0 with the per-cell results the page showed', () => {
    const out = mkdtempSync(join(tmpdir(), 'gradgap-authored-'));
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/gradgap.mjs'), 'run', FIXTURE, '--out', out, '--backend', 'cpu', '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/gradgap: /);
    expect(run.status).toBe(0);
    // The CLI writes each float32 in its shortest form, the page's CSV as a double: compare as float32.
    const table = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((row, i) => (i === 0 ? row : row.split(',').map((v) => Math.fround(Number(v)))));
    const cli = table(readFileSync(join(out, 'sweeps/sweep-1.cells.csv'), 'utf8'));
    const page = table(readFileSync(join(import.meta.dirname, 'fixtures/authored-notebook.cells.csv'), 'utf8'));
    expect(cli).toHaveLength(4);
    expect(cli).toEqual(page);
  });
});
