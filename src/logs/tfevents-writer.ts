// Test helper: a TensorBoard event-file writer of our own, written apart from the reader (its own
// CRC32C, bit by bit, and its own protobuf encoder), in the framing TensorBoard writes.

/** CRC32C bit by bit (no table), then TFRecord's mask: written apart from src/logs/tfrecord.ts. */
export function crc32cBitwise(bytes: number[]): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

/** Protobuf encoding, by hand. */
export const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 128;
    out.push(b);
  } while (n > 0);
  return out;
};
export const key = (field: number, wire: number) => varint(field * 8 + wire);
export const bytesField = (field: number, body: number[]) => [...key(field, 2), ...varint(body.length), ...body];
export const utf8 = (s: string) => [...new TextEncoder().encode(s)];
export const f32 = (x: number) => [...new Uint8Array(new Float32Array([x]).buffer)];
export const f64 = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)];

/** One Summary.Value: a simple_value, or a TensorProto (float via float_val, double via tensor_content) with the scalars plugin. */
export function value(tag: string, v: number, as: 'simple' | 'float-tensor' | 'double-tensor'): number[] {
  const body = [...bytesField(1, utf8(tag))];
  if (as === 'simple') return bytesField(1, [...body, ...key(2, 5), ...f32(v)]);
  const plugin = bytesField(9, bytesField(1, bytesField(1, utf8('scalars'))));
  const tensor =
    as === 'float-tensor'
      ? [...key(1, 0), 1, ...bytesField(2, []), ...bytesField(5, f32(v))] // dtype DT_FLOAT, shape [], packed float_val
      : [...key(1, 0), 2, ...bytesField(2, []), ...bytesField(4, f64(v))]; // dtype DT_DOUBLE, tensor_content
  return bytesField(1, [...body, ...plugin, ...bytesField(8, tensor)]);
}
export function event(step: number, values: number[][] | null, version?: string): number[] {
  const out = [...key(1, 1), ...f64(1.7e9 + step)];
  if (step > 0) out.push(...key(2, 0), ...varint(step));
  if (version !== undefined) out.push(...bytesField(3, utf8(version)));
  if (values) out.push(...bytesField(5, values.flat()));
  return out;
}
export function record(data: number[]): number[] {
  const len = [...u32(data.length), 0, 0, 0, 0];
  return [...len, ...u32(masked(crc32cBitwise(len))), ...data, ...u32(masked(crc32cBitwise(data)))];
}
export const binary = (bytes: number[]) => String.fromCharCode(...bytes);

/** An event file of one run: the version record, then `train/reward` (and `train/learning_rate` when given) per step. */
export function eventFileBytes(steps: readonly number[], rewards: readonly number[], learningRate?: number): Uint8Array {
  const out = record(event(0, null, 'brain.Event:2'));
  steps.forEach((step, i) => {
    const values = [value('train/reward', rewards[i], 'simple')];
    if (learningRate !== undefined) values.push(value('train/learning_rate', learningRate, 'simple'));
    out.push(...record(event(step, values)));
  });
  return new Uint8Array(out);
}
