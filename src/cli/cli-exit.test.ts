/**
 * The CLI exits once its work is done, however many worker threads got no chunk: an idle thread
 * of the CPU twin's pool must not keep Node alive (it once did, for ever, after writing complete
 * output).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gradgap, HANG_MS, tempDir } from './cli-harness.ts';
import { listFiles } from './output-files.ts';
import { ROOT } from './provenance-info.ts';

/** A notebook with one sweep of `seeds` runs (one grid cell), a few iterations. */
function notebook(dir: string, seeds: number): string {
  const path = join(dir, `runs${seeds}.html`);
  const sweep = {
    base: { V: 8, d: 6, L: 2, J0: 0.2, G: 8, stepSize: 2, advantage: 'group-std', aggregation: 'seq-sum', iterations: 10, recordEvery: 10 },
    seeds,
  };
  writeFileSync(
    path,
    `<!doctype html>\n<notebook version="1">\n  <title>${seeds} runs</title>\n  <script id="sweep" type="application/vnd.gradgap.sweep+json">${JSON.stringify(sweep)}</script>\n</notebook>\n`,
  );
  return path;
}

describe('gradgap run exits when done', () => {
  const cases: [string, number, string[]][] = [
    ['a 1-run sweep on 2 threads', 1, ['--threads', '2']],
    ['a 4-run sweep on 8 threads', 4, ['--threads', '8']],
    ['shard 1/3 of a 4-run sweep on 2 threads', 4, ['--threads', '2', '--shard', '1/3']],
  ];

  it.each(cases)('%s: exits 0 once its output is written (a lingering worker would hang it)', async (_name, seeds, flags) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const run = await gradgap(['run', notebook(dir, seeds), '--out', out, '--backend', 'cpu', ...flags], {});
    expect(run.timedOut, `still running after ${HANG_MS / 1000} s (the hang detector); stderr: ${run.stderr}`).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/wrote \d+ files to/);
    expect(listFiles(out)).toContain('provenance.json');
  });
});

describe('the Node Web Worker shim', () => {
  it('an idle worker that never got a message does not keep Node alive', async () => {
    // Two workers on the engine's CPU worker: one answers one (bad) job, the other is never used.
    const url = (p: string) => pathToFileURL(join(ROOT, p)).href;
    const script = `
      await import(${JSON.stringify(url('src/cli/node-loader/register.mjs'))});
      const { installWebWorker } = await import(${JSON.stringify(url('src/cli/node-loader/web-worker.ts'))});
      installWebWorker();
      const make = () => new Worker(${JSON.stringify(url('src/engine/cpu-worker.ts'))}, { type: 'module' });
      const idle = make();
      const busy = make();
      busy.onmessage = (e) => console.log('answered', e.data.id, e.data.error ? 'with an error' : '');
      busy.postMessage({ id: 7, spec: null, begin: 0, end: 1 });
    `;
    const file = join(tempDir(), 'shim.mjs'); // a file, not -e: worker threads inherit execArgv
    writeFileSync(file, script);
    const started = performance.now();
    const child = spawn(process.execPath, [file], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => (child.kill('SIGKILL'), resolve('timed out')), HANG_MS);
      child.on('close', (c) => (clearTimeout(timer), resolve(c ?? -1)));
    });
    expect(code, `after ${Math.round(performance.now() - started)} ms; stderr: ${stderr}`).toBe(0);
    expect(stdout).toMatch(/answered 7 with an error/);
  });
});
