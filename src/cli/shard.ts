/**
 * `--shard i/n`: shard i (1-based) of n takes a contiguous run-index range. The RNG is
 * counter-based on the run index, so shards are independent and merge exactly (SPEC 2.4).
 *
 * @example
 *   parseShard('2/4');          // { index: 2, count: 4 }
 *   shardRange({ index: 2, count: 4 }, 1000); // [250, 500]
 */
import { InputError } from './cli-error.ts';

export interface Shard {
  index: number; // 1-based
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new InputError(`--shard ${text}: must be i/n, for example 1/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new InputError(`--shard ${text}: i must be in [1, n] and n ≥ 1`);
  return { index, count };
}

/** Run range [begin, end) of this shard among `total` runs: balanced, the first ones one longer. */
export function shardRange(shard: Shard, total: number): [number, number] {
  const at = (i: number) => Math.floor((total * i) / shard.count);
  return [at(shard.index - 1), at(shard.index)];
}
