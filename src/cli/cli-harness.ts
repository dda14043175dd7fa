/**
 * For the CLI tests: runs the CLI in-process through its own entry point (`main`, with strings for
 * stdout and stderr), or as a child process (`bin/gradgap.mjs`, as `npx gradgap` does) for the
 * few end-to-end cases, and reads what it left behind. No test races the clock: the only limit is
 * HANG_MS, a hang detector.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles } from './output-files.ts';
import { ROOT } from './provenance-info.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean; // killed after `timeoutMs`
  exitLagMs: number; // from its last byte of output to its exit: a process that hangs on after its work shows here
}

export const FIXTURES = join(ROOT, 'src/cli/fixtures');

/** The one wall-clock limit of the CLI tests: a hang detector, far above any run's time on a loaded machine. */
export const HANG_MS = 600_000;

/**
 * Runs the CLI in-process: `main(args)` with its output captured. What it says on stdout and
 * stderr is all a refusal says (a `run` that starts also draws progress on process.stderr).
 */
export async function gradgapInProcess(args: string[]): Promise<CliRun> {
  // As bin/gradgap.mjs's loader does: webgpu-utils names Float16Array at import time; Node 20 lacks it.
  (globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Uint16Array {};
  const { main } = await import('./main.ts');
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr, timedOut: false, exitLagMs: 0 };
}

/**
 * Runs the CLI; kills it (SIGKILL) after `timeoutMs` and reports `timedOut`, so a hang fails the
 * test that caused it instead of the whole suite's timeout.
 */
export function gradgap(args: string[], env: Record<string, string> = {}, { timeoutMs = HANG_MS } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/gradgap.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let lastOutput = performance.now();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => ((stdout += d), (lastOutput = performance.now())));
    child.stderr.on('data', (d) => ((stderr += d), (lastOutput = performance.now())));
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, timedOut, exitLagMs: performance.now() - lastOutput });
    });
  });
}

export function tempDir(prefix = 'gradgap-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The last line a command wrote to stderr (its one-line reason), Dawn's own warnings aside. */
export function reason(run: CliRun): string {
  return (
    run.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('gradgap:'))
      .pop() ?? ''
  );
}

/** Every file under `dir` (hidden staging folders included, so leftovers show) with its bytes. */
export function snapshot(dir: string, files = listFiles(dir)): Map<string, Buffer> {
  return new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
}
