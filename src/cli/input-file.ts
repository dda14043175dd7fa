/**
 * The one rule for every file the command line reads (the notebook, its logs files, a --baked
 * file, a shard's provenance, notebook copy and results, the backend-choice cache): a regular file
 * only (a FIFO, device, socket or directory is refused, and opening never blocks: O_NONBLOCK,
 * then fstat on the opened descriptor); resolved through symlinks, and, where a folder is given,
 * required to stay inside it (a logs file inside the notebook's folder, a shard's files inside
 * the shard's); no more than its kind's size limit, checked with fstat before reading and again
 * while reading (files under /proc report size 0). Every refusal is an InputError (exit 2) naming
 * the file, the rule and the limit.
 *
 * @example
 *   const text = readInputFile('notebooks/threshold.html', 'notebook');
 *   const csv = readInputFile('notebooks/data/runs.csv', 'logs', { inside: 'notebooks' });
 *   const { fd, size } = openInputFile('out-1/sweeps/sweep.json', 'shard-results', { inside: 'out-1' }); // streamed
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { relative, isAbsolute } from 'node:path';
import { InputError } from './cli-error.ts';

const MiB = 1 << 20;

/** What a file is to the program; each kind has its limit. */
export type InputKind = 'notebook' | 'logs' | 'baked' | 'shard-provenance' | 'shard-notebook' | 'shard-results' | 'cache';

/**
 * Size limits, by kind. A notebook is hand-written text (the built-in ones are ≤ 12 KB); a logs
 * file is a training run's metrics (large-file.test.ts reads 50 MB ones); a baked file is read
 * as one string, so its limit is V8's longest string (a 4-million-run sweep's finals fit); a
 * shard's results are streamed a chunk at a time (sweep-json-stream.ts), so only the disk bounds
 * them; a cache file is a few hundred bytes.
 */
export const INPUT_LIMITS: Record<InputKind, { bytes: number; what: string }> = {
  notebook: { bytes: 8 * MiB, what: 'a notebook' },
  logs: { bytes: 256 * MiB, what: 'a logs file' },
  baked: { bytes: Math.min(512 * MiB, bufferConstants.MAX_STRING_LENGTH), what: 'a baked-results file' },
  'shard-provenance': { bytes: 16 * MiB, what: "a shard's provenance.json" },
  'shard-notebook': { bytes: 8 * MiB, what: "a shard's notebook.html" },
  'shard-results': { bytes: 64 * 1024 * MiB, what: "a shard's results file" },
  cache: { bytes: 1 * MiB, what: 'the backend-choice cache' },
};

/** A limit as a message says it: 8 MiB, 64 GiB. */
export function showBytes(n: number): string {
  if (n >= 1024 * MiB && n % (1024 * MiB) === 0) return `${n / (1024 * MiB)} GiB`;
  if (n >= MiB) return `${Math.floor(n / MiB)} MiB`;
  return `${n} bytes`;
}

function fileType(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Whether `path` (absolute, symlinks resolved) lies in `dir` (absolute, resolved) or is it. */
export function liesInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface InputFileOptions {
  /** The folder the file must stay inside once symlinks are followed (a logs file: the notebook's folder). */
  inside?: string;
  /** How messages name the file (default: the path as given). */
  label?: string;
}

/** An opened input file: a regular file within its limit. The caller closes `fd`. */
export interface OpenedInput {
  fd: number;
  size: number;
  realPath: string;
}

/**
 * Resolves and opens an input file by the rule above; InputError naming the file and what is
 * wrong. Opened non-blocking, so a FIFO put where a file should be cannot hang the command.
 */
export function openInputFile(path: string, kind: InputKind, options: InputFileOptions = {}): OpenedInput {
  const label = options.label ?? path;
  const limit = INPUT_LIMITS[kind];
  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${label}: no such file` : `${label}: cannot be read (${code ?? (error as Error).message})`);
  }
  if (options.inside !== undefined) {
    let dir: string;
    try {
      dir = realpathSync(options.inside);
    } catch (error) {
      throw new InputError(`${label}: its folder ${options.inside} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (!liesInside(dir, realPath))
      throw new InputError(
        `${label}: resolves (through a symlink) to a file outside ${options.inside}; ${limit.what} must stay inside that folder, so it is not read`,
      );
  }
  let fd: number;
  try {
    // O_NOFOLLOW: realPath has no symlink left; one put there since would be refused, not followed.
    fd = openSync(realPath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${label}: cannot be read (${code ?? (error as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${label}: is ${fileType(st)}; ${limit.what} must be a regular file`);
    if (st.size > limit.bytes) throw new InputError(`${label}: is ${showBytes(st.size)}, larger than the ${showBytes(limit.bytes)} limit for ${limit.what}`);
    return { fd, size: st.size, realPath };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Reads a whole input file as bytes, by the rule above. Reads at most the limit (and one byte
 * more, to know it was passed), whatever the file's reported size says.
 */
export function readInputBytes(path: string, kind: InputKind, options: InputFileOptions = {}): Buffer {
  const { fd, size } = openInputFile(path, kind, options);
  const limit = INPUT_LIMITS[kind];
  try {
    const parts: Buffer[] = [];
    let total = 0;
    let block = Buffer.allocUnsafe(Math.min(Math.max(size, 64 * 1024), limit.bytes + 1));
    for (;;) {
      if (total > limit.bytes) throw new InputError(`${options.label ?? path}: holds more than the ${showBytes(limit.bytes)} limit for ${limit.what}`);
      const n = readSync(fd, block, 0, Math.min(block.length, limit.bytes + 1 - total), null);
      if (n === 0) break;
      parts.push(block.subarray(0, n));
      total += n;
      if (n === block.length) block = Buffer.allocUnsafe(Math.min(4 * MiB, limit.bytes + 1 - total) || 1);
      else block = block.subarray(n);
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${options.label ?? path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole input file as UTF-8 text, by the rule above. */
export function readInputFile(path: string, kind: InputKind, options: InputFileOptions = {}): string {
  return readInputBytes(path, kind, options).toString('utf8');
}
