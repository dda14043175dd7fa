/** SweepJsonStream reads a results file chunk by chunk to exactly what readSweepJson reads whole, and names a file that holds too few or too many values. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec, PER_RUN_OUTPUTS, runSweep, RUN_OUTPUT_NAMES, type RunChunk } from '../engine/index.ts';
import { OutputStage } from './output-files.ts';
import { readSweepJson, writeSweepFiles } from './results-files.ts';
import { emptyRange } from './run-range.ts';
import { SweepJsonStream } from './sweep-json-stream.ts';

// 3 × 2 cells × 7 seeds; one step size diverges (NaN written as a string).
const input = { base: { iterations: 12, recordEvery: 4 }, grid: { stepSize: [1, 30, 1e5], L: [2, 4] }, seeds: 7 };

async function sweepFile(range: [number, number]): Promise<string> {
  const result = range[0] === range[1] ? await emptyRange(input, range[0]) : await runSweep(input, { backend: 'cpu', runRange: range });
  const dir = mkdtempSync(join(tmpdir(), 'gradgap-json-stream-'));
  const stage = OutputStage.open(dir);
  writeSweepFiles(stage, {
    sweep: 'sweep',
    specHash: result.specHash,
    spec: parseSpec(input),
    runCount: 42,
    runRange: range,
    runs: result.runs,
    cellStats: result.cellStats,
  });
  stage.commit();
  return join(dir, 'sweeps/sweep.json');
}

const bits = (a: Float32Array | Uint8Array) => Array.from(a instanceof Float32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : a);

describe('SweepJsonStream', () => {
  for (const range of [
    [0, 42],
    [5, 31],
    [7, 7],
  ] as [number, number][]) {
    it(`runs [${range[0]}, ${range[1]}) read 1, 4 or 100 runs at a time equal readSweepJson bit for bit`, async () => {
      const path = await sweepFile(range);
      const whole = readSweepJson(readFileSync(path, 'utf8'));
      for (const size of [1, 4, 100]) {
        const stream = SweepJsonStream.open(path);
        expect({ ...stream.head, runs: whole.runs }).toEqual(whole);
        const chunks: RunChunk[] = [stream.read(size)];
        while (stream.next < range[1]) chunks.push(stream.read(size));
        stream.close();
        expect(chunks[0].begin).toBe(range[0]);
        expect(chunks.at(-1)!.end).toBe(range[1]);
        for (const name of RUN_OUTPUT_NAMES) {
          const joined = chunks.flatMap((c) => bits(c[name]));
          expect(joined, name).toEqual(bits(whole.runs[name]));
        }
      }
      if (range[1] > range[0]) expect(readFileSync(path, 'utf8')).toMatch(/"(NaN|Infinity|-Infinity)"/); // values written as strings were read too
    });
  }

  it('a file with a value missing, or one too many, is refused with the output named', async () => {
    const path = await sweepFile([0, 42]);
    const text = readFileSync(path, 'utf8');
    const last = PER_RUN_OUTPUTS.at(-1)!; // the last per-run list every sweep's file has
    const cut = text.replace(new RegExp(`("${last}": \\[[^,\\]]*),`), '$1,0,');
    writeFileSync(path, cut);
    const more = SweepJsonStream.open(path);
    expect(() => more.read(42)).toThrow(new RegExp(`"${last}" holds more values than the range \\[0, 42\\) needs`));
    more.close();
    writeFileSync(path, text.replace(new RegExp(`("${last}": \\[)[^,\\]]*,`), '$1'));
    const fewer = SweepJsonStream.open(path);
    expect(() => fewer.read(42)).toThrow(new RegExp(`"${last}" holds fewer values than the range \\[0, 42\\) needs`));
    fewer.close();
  });
});
