/**
 * `--shard i/n`: shard i (1-based) of n takes a contiguous run-index range. The RNG is
 * counter-based on the run index, so shards are independent and merge exactly (SPEC 2.4).
 *
 * @example
 *   parseShard('2/4');          // { index: 2, count: 4 }
 *   shardRange({ index: 2, count: 4 }, 1000); // [250, 500]
 */
import { canonicalJson, cellCount, excerpt, specHash, validateSpec, type SweepSpec, type SweepSpecInput } from '../spec/index.ts';
import type { BackendInfo } from '../engine/index.ts';
import { InputError } from './cli-error.ts';

/** At most this many shards: `gradgap merge` joins at most this many directories. */
export const MAX_SHARDS = 1024;

export interface Shard {
  index: number; // 1-based
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new InputError(`--shard ${text}: must be i/n, for example 1/4 (n in [1, ${MAX_SHARDS}], i in [1, n])`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  // Checked before i ≤ n: a 20-digit number is no integer here (it rounds), so it is refused as out of range.
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS)
    throw new InputError(`--shard ${text}: n must be an integer in [1, ${MAX_SHARDS}] (gradgap merge joins at most ${MAX_SHARDS} shards)`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw new InputError(`--shard ${text}: i must be in [1, n] and n ≥ 1`);
  return { index, count };
}

/**
 * Run range [begin, end) of this shard among `total` runs: balanced, the last ones one longer.
 * Empty (begin = end) when there are more shards than runs; such a shard writes empty results.
 */
export function shardRange(shard: Shard, total: number): [number, number] {
  const at = (i: number) => Math.floor((total * i) / shard.count);
  return [at(shard.index - 1), at(shard.index)];
}

// ---------------------------------------------------------------------------------------------
// What `gradgap merge` trusts of a shard: nothing it has not checked. A shard is a folder anyone
// can edit; each refusal names the shard and the field.

/** What merge reads of a shard's provenance.json, checked for shape. */
export interface ShardProvenance {
  notebook: { file: string; sha256: string };
  runtime: string;
  wallMs: number;
  sweeps: Record<string, { specHash: string; backend: BackendInfo; wallMs: number }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHash = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
// What a shard's file holds is quoted as a short escaped excerpt, never whole (the read rule).
const shown = (v: unknown) => excerpt(JSON.stringify(v) ?? String(v));

/** A shard's provenance.json, parsed: InputError naming the shard and the field that is not what `gradgap run` writes. */
export function checkShardProvenance(dir: string, raw: unknown): ShardProvenance {
  const bad = (field: string, what: string, value: unknown) => new InputError(`${dir}: provenance.json ${field} = ${shown(value)}: ${what}`);
  if (!isObject(raw)) throw bad('(the whole file)', 'expected a JSON object', raw);
  if (raw.format !== 'gradgap-provenance') throw bad('format', 'expected "gradgap-provenance": not the output of gradgap run', raw.format);
  const notebook = raw.notebook;
  if (!isObject(notebook)) throw bad('notebook', 'expected an object with the notebook file and its sha256', notebook);
  // It names the baked-results file merge writes: a plain file name, never a path out of --out.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (typeof notebook.file !== 'string' || !/^[^/\\\0-\x1f]{1,200}\.html?$/i.test(notebook.file) || notebook.file.startsWith('.'))
    throw bad('notebook.file', 'must be a plain file name such as "threshold.html" (no folder, at most 200 characters before .html)', notebook.file);
  if (!isHash(notebook.sha256)) throw bad('notebook.sha256', 'expected a SHA-256 in hex', notebook.sha256);
  if (typeof raw.runtime !== 'string') throw bad('runtime', 'expected a string', raw.runtime);
  if (typeof raw.wallMs !== 'number' || !(raw.wallMs >= 0)) throw bad('wallMs', 'expected a number ≥ 0', raw.wallMs);
  if (!isObject(raw.sweeps)) throw bad('sweeps', 'expected an object by sweep id', raw.sweeps);
  for (const [id, s] of Object.entries(raw.sweeps)) {
    const at = `sweeps[${JSON.stringify(id)}]`;
    if (!isObject(s)) throw bad(at, 'expected an object', s);
    if (!isHash(s.specHash)) throw bad(`${at}.specHash`, 'expected a SHA-256 in hex', s.specHash);
    if (typeof s.wallMs !== 'number' || !(s.wallMs >= 0)) throw bad(`${at}.wallMs`, 'expected a number ≥ 0', s.wallMs);
    const b = s.backend;
    if (!isObject(b) || (b.kind !== 'cpu' && b.kind !== 'webgpu') || typeof b.adapter !== 'string' || !Number.isInteger(b.threads))
      throw bad(`${at}.backend`, 'expected {kind: "cpu" | "webgpu", adapter, threads, …}', b);
  }
  return raw as unknown as ShardProvenance;
}

/** The notebook copy a shard holds must be the one its provenance names by hash (else it could be any notebook). */
export function checkShardNotebook(dir: string, provenance: ShardProvenance, text: string, sha256: (text: string) => string): void {
  const actual = sha256(text);
  if (actual !== provenance.notebook.sha256)
    throw new InputError(
      `${dir}: notebook.html hashes to ${actual.slice(0, 12)}…, but provenance.json notebook.sha256 is ${provenance.notebook.sha256.slice(0, 12)}…: the shard's notebook copy was replaced or edited`,
    );
}

/** The head of a shard's sweep JSON as merge uses it. */
export interface ShardHead {
  specHash: string;
  spec: SweepSpec;
  runCount: number;
  runRange: [number, number];
  cellStats: unknown;
}

/**
 * A shard's sweep head checked before anything is derived from it (its recorded steps, its cells):
 * the spec validated as a notebook's is (recordEvery: 0 is bad input, not a fatal error), the run
 * range inside the spec's runs. Throws an Error whose message names the field.
 */
export function checkShardHead(head: Record<string, unknown>): void {
  const { spec, runRange, runCount } = head;
  if (!isObject(spec)) throw new Error(`spec = ${shown(spec)}: expected a sweep spec object`);
  const issue = validateSpec(spec as SweepSpecInput)[0];
  if (issue) throw new Error(`spec.${issue.field}: ${issue.message}`);
  const runs = cellCount(spec as unknown as SweepSpec) * (spec as unknown as SweepSpec).seeds;
  if (runCount !== runs) throw new Error(`runCount = ${shown(runCount)}, but the spec has ${runs} runs`);
  if (
    !Array.isArray(runRange) ||
    runRange.length !== 2 ||
    !runRange.every(Number.isSafeInteger) ||
    runRange[0] < 0 ||
    runRange[0] > runRange[1] ||
    runRange[1] > runs
  )
    throw new Error(`runRange = ${shown(runRange)}: expected [begin, end) with 0 ≤ begin ≤ end ≤ ${runs}`);
  if (!Array.isArray(head.cellStats)) throw new Error(`cellStats = ${shown(head.cellStats)}: expected a list`);
  if (!isHash(head.specHash)) throw new Error(`specHash = ${shown(head.specHash)}: expected a SHA-256 in hex`);
}

/** The first JSON path where two values differ ('grid.stepSize[1]: shard 99, notebook 10'). */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  return canonicalJson(a) === canonicalJson(b) ? null : `${path}: shard ${shown(a)}, notebook ${shown(b)}`;
}

/**
 * A shard's sweep must be the notebook's (with its published or its cell's seeds), under a hash
 * recomputed from its own spec: an edited grid (runs of η = 10 relabelled η = 99) is refused
 * whether or not its recorded hash was edited to match.
 */
export async function checkShardSpec(
  where: string,
  id: string,
  head: ShardHead,
  recorded: string,
  sweep: { cellSpec: SweepSpec; publishedSpec: SweepSpec },
): Promise<void> {
  const own = await specHash(head.spec);
  if (own !== head.specHash)
    throw new InputError(
      `${where}: sweep "${id}" specHash is ${head.specHash.slice(0, 12)}…, but its spec hashes to ${own.slice(0, 12)}…: the spec was edited after the run`,
    );
  if (recorded !== own)
    throw new InputError(
      `${where}: provenance.json sweeps["${id}"].specHash is ${recorded.slice(0, 12)}…, but the sweep's spec hashes to ${own.slice(0, 12)}…`,
    );
  const [cell, published] = await Promise.all([specHash(sweep.cellSpec), specHash(sweep.publishedSpec)]);
  if (own !== cell && own !== published) {
    const near = head.spec.seeds === sweep.cellSpec.seeds ? sweep.cellSpec : sweep.publishedSpec;
    throw new InputError(
      `${where}: sweep "${id}" is not the notebook's sweep cell "${id}" (with its seeds or publishSeeds): ${firstDifference(head.spec, near, 'spec') ?? 'spec differs'}`,
    );
  }
}
