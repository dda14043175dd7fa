/**
 * The protobuf wire format, read without a schema: each field is a key (field number, wire type)
 * and a varint (0), a 64-bit value (1), a length-delimited run of bytes (2) or a 32-bit value (5).
 * Enough to read TensorBoard's Event and Summary messages; groups (3, 4) are refused.
 */

export type WireField =
  | { field: number; wire: 0; value: number } // varint (int64 above 2^53 loses precision: steps never get there)
  | { field: number; wire: 1; offset: number } // 8 bytes at offset (a double or fixed64)
  | { field: number; wire: 2; start: number; end: number } // bytes [start, end): a string, bytes, a message or packed values
  | { field: number; wire: 5; offset: number }; // 4 bytes at offset (a float or fixed32)

export class WireError extends Error {}

/** A varint at `at`: its value (as a number) and the offset past it. */
export function readVarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= end) throw new WireError('a varint runs past the end of its message');
    const b = bytes[at++];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: at };
  }
  throw new WireError('a varint longer than 10 bytes');
}

/**
 * The fields of the message in bytes[start, end), in order.
 *
 * @example
 *   readMessage(new Uint8Array([0x10, 0x05]), 0, 2); // [{ field: 2, wire: 0, value: 5 }]
 */
export function readMessage(bytes: Uint8Array, start: number, end: number): WireField[] {
  const fields: WireField[] = [];
  let at = start;
  while (at < end) {
    const key = readVarint(bytes, at, end);
    at = key.next;
    const field = Math.floor(key.value / 8);
    const wire = key.value % 8;
    if (field === 0) throw new WireError('field number 0');
    if (wire === 0) {
      const v = readVarint(bytes, at, end);
      fields.push({ field, wire, value: v.value });
      at = v.next;
    } else if (wire === 1) {
      if (at + 8 > end) throw new WireError('a 64-bit field runs past the end of its message');
      fields.push({ field, wire, offset: at });
      at += 8;
    } else if (wire === 2) {
      const n = readVarint(bytes, at, end);
      if (n.next + n.value > end) throw new WireError('a length-delimited field runs past the end of its message');
      fields.push({ field, wire, start: n.next, end: n.next + n.value });
      at = n.next + n.value;
    } else if (wire === 5) {
      if (at + 4 > end) throw new WireError('a 32-bit field runs past the end of its message');
      fields.push({ field, wire, offset: at });
      at += 4;
    } else throw new WireError(`wire type ${wire} (groups are not read)`);
  }
  return fields;
}

/** A little-endian float32 / float64 at `offset`. */
export function readFloat32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getFloat32(0, true);
}
export function readFloat64(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getFloat64(0, true);
}

/** UTF-8 text of bytes[start, end). */
export function readString(bytes: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(bytes.subarray(start, end));
}
