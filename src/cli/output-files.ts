/**
 * Writing results so that no partial output ever looks complete: a command writes everything into
 * a hidden staging folder inside --out, then moves the files into place one rename at a time
 * (atomic within one file system), provenance.json last. A failed or interrupted command removes
 * its staging folder and leaves --out as it was (folders it created for --out go too). An
 * unwritable --out is found before anything runs (InputError, exit 2). Every path, staged or
 * committed, goes through `resolveInside` (output-path.ts) before it is opened, and every target
 * is checked before the first rename, so a path that would leave --out is refused with nothing
 * moved.
 *
 * @example
 *   const out = OutputStage.open('results');   // InputError if not writable
 *   out.write('sweep/results.json', text);
 *   const rows = out.create('sweep/runs.csv'); // a file written piece by piece, as results arrive
 *   rows.append(header); rows.close();
 *   out.commit(['provenance.json']);           // these files are moved last
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './cli-error.ts';
import { resolveInside } from './output-path.ts';

const openStages = new Set<OutputStage>();

function removeOpenStages(): void {
  for (const stage of openStages) stage.discard();
  openStages.clear();
}

/**
 * Creates `dir` and its missing parents one level at a time; returns them, outermost first.
 * Not mkdirSync's recursive mode: on a path it cannot create under an existing parent (/proc/x)
 * Node 20's retries it for ever. On failure removes what it made and throws.
 */
function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  const made: string[] = [];
  try {
    for (const d of missing) {
      mkdirSync(d);
      made.push(d);
    }
  } catch (error) {
    removeEmptyDirs(made);
    throw error;
  }
  return made;
}

/** Removes these folders, innermost first, as long as they are empty. */
function removeEmptyDirs(dirs: readonly string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or gone): keep it and everything above it
    }
  }
}

/** A file in the staging folder written piece by piece (a streamed results file, or a part of one). */
export class StagedFile {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'wx'); // a new file: never through a link or onto another output
  }

  append(text: string): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    writeSync(this.fd, text);
  }

  /** Appends the bytes of another (closed) staged file, a megabyte at a time. */
  appendFile(other: StagedFile): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    const from = openSync(other.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (let n = readSync(from, buffer); n > 0; n = readSync(from, buffer)) writeSync(this.fd, buffer, 0, n);
    } finally {
      closeSync(from);
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
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
  private committed = false;

  /** `created`: the folders open() made for --out (outermost first), removed again unless committed. */
  private constructor(
    readonly outDir: string,
    readonly stageDir: string,
    private readonly created: readonly string[] = [],
  ) {}

  /** Creates --out if needed, checks it is writable, and opens a staging folder in it. */
  static open(outDir: string): OutputStage {
    const stageDir = join(outDir, `.gradgap-partial-${process.pid}`);
    let created: string[] = [];
    try {
      if (statSync(outDir, { throwIfNoEntry: false })?.isFile()) throw new Error('it is a file, not a directory');
      created = makeDirs(outDir);
      accessSync(outDir, constants.W_OK);
      mkdirSync(stageDir);
    } catch (error) {
      removeEmptyDirs(created);
      throw new InputError(`--out ${outDir} is not writable: ${(error as Error).message}`);
    }
    installCleanup();
    const stage = new OutputStage(outDir, stageDir, created);
    openStages.add(stage);
    return stage;
  }

  /** Writes a file (path relative to --out) into the staging folder. */
  write(relPath: string, data: string | Uint8Array): void {
    const path = this.stagePath(relPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data, { flag: 'wx' });
    this.files.push(relPath);
  }

  /** Where a file (path relative to --out) is staged: proven to lie inside --out, and staged once. */
  private stagePath(relPath: string): string {
    resolveInside(this.outDir, relPath);
    if (this.files.includes(relPath)) throw new Error(`${relPath} is staged twice: two outputs would take one name`);
    return resolveInside(this.stageDir, relPath, 'the staging folder');
  }

  /** Opens a file (path relative to --out) in the staging folder to be written piece by piece; it is committed with the others. */
  create(relPath: string): StagedFile {
    const file = new StagedFile(this.stagePath(relPath));
    this.files.push(relPath);
    return file;
  }

  /** A scratch file in the staging folder, never committed (parts joined into a staged file); gone with the folder. */
  scratch(name: string): StagedFile {
    return new StagedFile(resolveInside(this.stageDir, `.scratch/${name}`, 'the staging folder'));
  }

  /** Whether a file (path relative to --out) is staged. */
  has(relPath: string): boolean {
    return this.files.includes(relPath);
  }

  /** Moves every staged file into --out; `last` (e.g. provenance.json) go after all others. */
  commit(last: readonly string[] = []): string[] {
    const order = [...this.files.filter((f) => !last.includes(f)), ...this.files.filter((f) => last.includes(f))];
    // Every target proven before the first rename: a refusal leaves --out as it was.
    const moves = order.map((rel) => {
      const target = resolveInside(this.outDir, rel);
      if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`${target} is a folder; the output ${rel} cannot replace it`);
      return { from: resolveInside(this.stageDir, rel, 'the staging folder'), target };
    });
    for (const { from, target } of moves) {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(from, target);
    }
    this.committed = true;
    this.discard();
    return order;
  }

  /** Removes the staging folder and whatever is in it; before a commit, also the (empty) folders open() made. */
  discard(): void {
    rmSync(this.stageDir, { recursive: true, force: true });
    if (!this.committed) removeEmptyDirs(this.created);
    openStages.delete(this);
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
