/**
 * Writing results so that no partial output ever looks complete: a command writes everything into
 * a hidden staging folder inside --out, then moves the files into place one rename at a time
 * (atomic within one file system), provenance.json last. A failed or interrupted command removes
 * its staging folder and leaves --out as it was. An unwritable --out is found before anything
 * runs (InputError, exit 2).
 *
 * @example
 *   const out = OutputStage.open('results');   // InputError if not writable
 *   out.write('sweep/results.json', text);
 *   out.commit(['provenance.json']);           // these files are moved last
 */
import { accessSync, constants, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from './cli-error.ts';

const openStages = new Set<string>();

function removeOpenStages(): void {
  for (const dir of openStages) rmSync(dir, { recursive: true, force: true });
  openStages.clear();
}

let cleanupInstalled = false;
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', removeOpenStages);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeOpenStages();
      process.exit(130);
    });
  }
}

export class OutputStage {
  private readonly files: string[] = [];

  private constructor(readonly outDir: string, readonly stageDir: string) {}

  /** Creates --out if needed, checks it is writable, and opens a staging folder in it. */
  static open(outDir: string): OutputStage {
    const stageDir = join(outDir, `.gradgap-partial-${process.pid}`);
    try {
      if (statSync(outDir, { throwIfNoEntry: false })?.isFile()) throw new Error('it is a file, not a directory');
      mkdirSync(outDir, { recursive: true });
      accessSync(outDir, constants.W_OK);
      mkdirSync(stageDir);
    } catch (error) {
      throw new InputError(`--out ${outDir} is not writable: ${(error as Error).message}`);
    }
    installCleanup();
    openStages.add(stageDir);
    return new OutputStage(outDir, stageDir);
  }

  /** Writes a file (path relative to --out) into the staging folder. */
  write(relPath: string, data: string | Uint8Array): void {
    const path = join(this.stageDir, relPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    this.files.push(relPath);
  }

  /** Moves every staged file into --out; `last` (e.g. provenance.json) go after all others. */
  commit(last: readonly string[] = []): string[] {
    const order = [...this.files.filter((f) => !last.includes(f)), ...this.files.filter((f) => last.includes(f))];
    for (const rel of order) {
      const target = join(this.outDir, rel);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(this.stageDir, rel), target);
    }
    this.discard();
    return order;
  }

  /** Removes the staging folder and whatever is in it. */
  discard(): void {
    rmSync(this.stageDir, { recursive: true, force: true });
    openStages.delete(this.stageDir);
  }
}

/** Files under `dir`, relative paths, sorted; hidden entries (staging folders) left out. */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}
