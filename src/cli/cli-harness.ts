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
}

export const FIXTURES = join(ROOT, 'src/cli/fixtures');

export function gradgap(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/gradgap.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tempDir(prefix = 'gradgap-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The last line a command wrote to stderr (its one-line reason), Dawn's own warnings aside. */
export function reason(run: CliRun): string {
  return run.stderr.trim().split('\n').filter((l) => l.startsWith('gradgap:')).pop() ?? '';
}

/** Every file under `dir` (hidden staging folders included, so leftovers show) with its bytes. */
export function snapshot(dir: string, files = listFiles(dir)): Map<string, Buffer> {
  return new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
}
