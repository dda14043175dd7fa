// TensorBoard event files, written here by a small writer of our own (its own CRC32C, bit by bit,
// and its own protobuf encoder, independent of the reader) in the exact framing TensorBoard
// writes: the file_version record first, then one Event per step with scalar summaries as
// simple_value (TRL, tensorboardX) or as a scalar TensorProto (TF2 tf.summary, verl).
import { describe, expect, it } from 'vitest';
import { detectFormat, LogInputError, readLog } from './index.ts';
import { bytesToBinaryString, readTensorBoardEvents } from './tensorboard.ts';
import { crc32c } from './tfrecord.ts';
import { binary, bytesField, crc32cBitwise, event, f32, key, record, utf8, value } from './tfevents-writer.ts';

const STEPS = [0, 10, 20, 30];
const REWARD = [0.25, 0.5, 0.625, 0.75];
function eventFile(as: 'simple' | 'float-tensor' | 'double-tensor'): number[] {
  const out = record(event(0, null, 'brain.Event:2'));
  STEPS.forEach((step, i) => out.push(...record(event(step, [value('train/reward', REWARD[i], as), value('train/learning_rate', 1e-6, as)]))));
  // A histogram-like tensor of 3 floats (not a scalar) is skipped.
  out.push(
    ...record(
      event(40, [bytesField(1, [...bytesField(1, utf8('weights')), ...bytesField(8, [...key(1, 0), 1, ...bytesField(5, [...f32(1), ...f32(2), ...f32(3)])])])]),
    ),
  );
  return out;
}
const NAME = 'runs/lr-1e-6/events.out.tfevents.1700000000.node-1.4242.0';

describe('TensorBoard event files', () => {
  it('both CRC32C implementations give the known answer for "123456789" (0xE3069283)', () => {
    expect(crc32cBitwise(utf8('123456789'))).toBe(0xe3069283);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  for (const as of ['simple', 'float-tensor', 'double-tensor'] as const) {
    it(`reads scalars written as ${as}, with steps, the learning rate and the folder as label`, () => {
      const text = binary(eventFile(as));
      expect(detectFormat(NAME, text)).toBe('tensorboard');
      expect(detectFormat('renamed.bin', text)).toBe('tensorboard'); // by its framing, not only its name
      const [run] = readLog(NAME, text);
      expect(run.label).toBe('lr-1e-6');
      expect(run.format).toBe('tensorboard');
      expect(run.metrics['train/reward']).toEqual({ steps: STEPS, values: REWARD }); // exact in float32
      expect(run.learningRate).toBe(as === 'double-tensor' ? 1e-6 : Math.fround(1e-6));
      expect(run.metrics.weights).toBeUndefined();
      expect(run.lastStep).toBe(30);
    });
  }
  it('refuses a corrupted data checksum, a corrupted length checksum and a truncated file, naming the record', () => {
    const good = eventFile('simple');
    const flipped = [...good];
    flipped[good.length - 20] ^= 0x01; // inside the last record's data
    expect(() => readTensorBoardEvents(NAME, binary(flipped))).toThrow(/record 5 \(byte \d+\): the data checksum does not match: a corrupted file/);
    const badLength = [...good];
    badLength[8] ^= 0xff; // the first record's length checksum
    expect(() => readTensorBoardEvents(NAME, binary(badLength))).toThrow(/TFRecord record 0 \(byte 0\): the length checksum does not match/);
    expect(() => readTensorBoardEvents(NAME, binary(good.slice(0, good.length - 3)))).toThrow(/record 5 .*truncated/);
  });
  it('the page and the CLI turn the bytes into the binary string the reader takes (in chunks, for large files)', () => {
    const bytes = new Uint8Array(eventFile('simple'));
    const big = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
    expect(bytesToBinaryString(big).length).toBe(100_000);
    expect([...bytesToBinaryString(big)].every((c, i) => c.charCodeAt(0) === big[i])).toBe(true);
    expect(readLog(NAME, bytesToBinaryString(bytes))[0].metrics['train/reward'].values).toEqual(REWARD);
  });
  it('refuses a file read as text (a char past 255) and one with no scalars', () => {
    expect(() => readTensorBoardEvents(NAME, 'é€')).toThrow(/read as text: it must be read as bytes/);
    let error: unknown;
    try {
      readTensorBoardEvents(NAME, binary(record(event(0, null, 'brain.Event:2'))));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogInputError);
    expect((error as Error).message).toMatch(/empty log: no scalar summaries/);
  });
});
