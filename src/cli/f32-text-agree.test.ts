/**
 * The page's runs CSV writes f32 values as `gradgap run` does: results/export.ts finds the
 * shortest round-tripping digits by bisection (it formats a large sweep's rows while it runs),
 * the CLI's float-format.ts tries 1, 2, … 9 digits; both must give the same text for every f32.
 */
import { describe, expect, it } from 'vitest';
import { f32Text as pageText } from '../results/export.ts';
import { f32Text as cliText } from './float-format.ts';

describe('f32Text: page and CLI agree', () => {
  it('on random bit patterns, values in [0, 1), short decimals, powers of two and their neighbours, and non-finite values', () => {
    const f = new Float32Array(1);
    const bits = new Uint32Array(f.buffer);
    const values: number[] = [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38];
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 200_000; i++) {
      bits[0] = next();
      values.push(f[0]);
      values.push(Math.fround(next() / 2 ** 32));
      values.push(Math.fround(Math.round((next() / 2 ** 32) * 10 ** (1 + (i % 8))) / 10 ** (i % 9)));
    }
    for (let e = -149; e < 128; e++)
      for (const sign of [1, -1])
        for (const d of [-2, -1, 0, 1, 2]) {
          f[0] = sign * 2 ** e;
          bits[0] += d;
          values.push(f[0]);
        }
    const differ = values.filter((x) => pageText(x) !== cliText(x));
    expect(differ.map((x) => [x, pageText(x), cliText(x)])).toEqual([]);
    expect(values.length).toBeGreaterThan(600_000);
    expect(pageText(Math.fround(0.1))).toBe('0.1');
  });
});
