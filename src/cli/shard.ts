/**
 * `--shard i/n`: shard i (1-based) of n takes a contiguous run-index range. The RNG is
 * counter-based on the run index, so shards are independent and merge exactly (SPEC 2.4).
 *
 * @example
 *   parseShard('2/4');          // { index: 2, count: 4 }
 *   shardRange({ index: 2, count: 4 }, 1000); // [250, 500]
 */
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
