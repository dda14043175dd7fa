/**
 * writeBaked streams a baked-results file: the pieces join into exactly the bytes the published
 * files hold (every notebooks/*.results.json, written before the file was streamed, re-encodes to
 * itself), a large per-run array is written in bounded slices, and a string holding a NUL (the
 * placeholder's character) survives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBaked, encodeBaked, writeBaked, type BakedNotebook } from './baked.ts';

const files = readdirSync('notebooks').filter((f) => f.endsWith('.results.json'));

describe('writeBaked', () => {
  it.each(files)('%s re-encodes to the same bytes', (file) => {
    const text = readFileSync(`notebooks/${file}`, 'utf8');
    expect(encodeBaked(decodeBaked(text))).toBe(text);
  });

  it('writes a million-run array in slices, and keeps a NUL in a message', () => {
    const published = decodeBaked(readFileSync(`notebooks/${files[0]}`, 'utf8'));
    const [id, sweep] = Object.entries(published.sweeps)[0];
    const runs = 1_000_000;
    const finalJ = new Float32Array(runs).map((_, i) => (i % 997) / 997);
    const big: BakedNotebook = { ...published, sweeps: { [id]: { ...sweep, finalJ, message: 'a\u0000gg0:0\u0000b' } } };
    const pieces: string[] = [];
    writeBaked(big, (piece) => pieces.push(piece));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(262_144); // 3·65,536 bytes → 262,144 base64 characters
    const text = pieces.join('');
    expect(text).toBe(encodeBaked(big));
    const body = JSON.parse(text);
    expect(body.sweeps[id].message).toBe('a\u0000gg0:0\u0000b');
    const bytes = Buffer.from(body.sweeps[id].finalJ, 'base64');
    expect(new Float32Array(bytes.buffer, bytes.byteOffset, runs)).toEqual(finalJ); // an independent base64 reader
  });
});
