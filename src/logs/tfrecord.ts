/**
 * TFRecord framing, as TensorBoard event files use it: each record is a uint64 length (little
 * endian), the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data. Both
 * checksums are checked: a truncated or corrupted file is refused, naming the record.
 */

/** CRC32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The masking TFRecord applies to a CRC (so a CRC of data that holds CRCs stays well-mixed). */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

export class RecordError extends Error {
  constructor(
    readonly record: number,
    readonly offset: number,
    reason: string,
  ) {
    super(`record ${record} (byte ${offset}): ${reason}`);
  }
}

/** The [start, end) of each record's data, in order; RecordError on a bad length, checksum or a truncated record. */
export function tfRecords(bytes: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let record = 0; at < bytes.length; record++) {
    if (at + 12 > bytes.length) throw new RecordError(record, at, 'truncated: the file ends inside a record header');
    const low = view.getUint32(at, true);
    const high = view.getUint32(at + 4, true);
    if (view.getUint32(at + 8, true) !== maskCrc(crc32c(bytes, at, at + 8)))
      throw new RecordError(record, at, 'the length checksum does not match: a corrupted file');
    const length = high * 2 ** 32 + low;
    const start = at + 12;
    if (length > bytes.length - start - 4) throw new RecordError(record, at, `truncated: a record of ${length} bytes runs past the end of the file`);
    const end = start + length;
    if (view.getUint32(end, true) !== maskCrc(crc32c(bytes, start, end)))
      throw new RecordError(record, at, 'the data checksum does not match: a corrupted file');
    out.push([start, end]);
    at = end + 4;
  }
  return out;
}
