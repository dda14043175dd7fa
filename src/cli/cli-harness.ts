/**
 * For the CLI tests: runs `bin/gradgap.mjs` as a child process (as `npx gradgap` does) and
 * reads what it left behind.
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

/**
 * Runs the CLI; kills it (SIGKILL) after `timeoutMs` and reports `timedOut`, so a hang fails the
 * test that caused it instead of the whole suite's timeout.
 */
export function gradgap(args: string[], env: Record<string, string> = {}, { timeoutMs = 300_000 } = {}): Promise<CliRun> {
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
