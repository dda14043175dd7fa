/**
 * The one rule for every path the command line writes: a path relative to its output folder
 * (--out, or the staging folder inside it) is resolved and proven to lie inside that folder before
 * anything is opened, whatever its source (a cell id, the notebook name in a shard's provenance,
 * a logs file's path). Proven twice: lexically (no absolute path, no `..`, no empty or `.` part,
 * no NUL, each part at most 255 bytes, so no ENAMETOOLONG after a run) and on disk (the deepest
 * part of the path that already exists, followed through any symlinks, is still inside the
 * folder, so a symlinked `plots/` cannot carry a write elsewhere; an existing symlink at the path
 * itself is refused too).
 *
 * @example
 *   resolveInside('out', 'plots/phase.svg');   // '/abs/out/plots/phase.svg'
 *   resolveInside('out', '../../PWNED.svg');   // InputError: lies outside --out
 */
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from './cli-error.ts';
import { liesInside } from './input-file.ts';

/** The longest name one path part may have on common file systems (ext4, APFS, NTFS: 255). */
export const MAX_NAME_BYTES = 255;

/** The deepest existing ancestor of an absolute path (the path itself when it exists). */
function deepestExisting(path: string): string {
  for (let at = path; ; at = dirname(at)) {
    try {
      lstatSync(at);
      return at;
    } catch {
      if (dirname(at) === at) return at;
    }
  }
}

/**
 * The absolute path of `relPath` inside `outDir`; InputError (exit 2) naming the path and the
 * rule when it would lie outside. `label` names the folder in messages (default `--out`).
 */
export function resolveInside(outDir: string, relPath: string, label = '--out'): string {
  const refuse = (why: string) => new InputError(`output path "${relPath.slice(0, 80)}${relPath.length > 80 ? '…' : ''}" ${why}`);
  if (typeof relPath !== 'string' || relPath === '') throw refuse('is empty');
  if (relPath.includes('\0')) throw refuse('holds a NUL character');
  if (isAbsolute(relPath) || relPath.startsWith('\\')) throw refuse(`is absolute; every output lies inside ${label}`);
  const parts = relPath.split(/[/\\]/);
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw refuse(`has an empty, "." or ".." part; every output lies inside ${label}`);
  const long = parts.find((p) => Buffer.byteLength(p) > MAX_NAME_BYTES);
  if (long !== undefined) throw refuse(`has a name of ${Buffer.byteLength(long)} bytes; the limit is ${MAX_NAME_BYTES} (a shorter cell id or notebook name)`);
  const root = resolve(outDir);
  const full = resolve(root, relPath);
  if (!liesInside(root, full) || full === root) throw refuse(`lies outside ${label} (${outDir})`);
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (error) {
    throw new InputError(`${label} ${outDir} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const existing = deepestExisting(full);
  if (existing === full && lstatSync(full).isSymbolicLink()) throw refuse(`is a symlink in ${label}; it is not written through`);
  let realExisting: string;
  try {
    realExisting = realpathSync(existing);
  } catch {
    throw refuse(`passes through a broken symlink in ${label}`);
  }
  if (!liesInside(realRoot, realExisting)) throw refuse(`passes through a symlink that leads outside ${label} (${outDir})`);
  return full;
}
