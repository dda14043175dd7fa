/**
 * TensorBoard event files (`events.out.tfevents.*`, written by TRL with report_to="tensorboard"
 * and by verl's tensorboard logger), read without Python or TensorFlow: TFRecord framing with its
 * checksums (tfrecord.ts), then each record an Event message (wall_time = 1, step = 2,
 * summary = 5), its Summary's values (tag = 1, simple_value = 2, tensor = 8, metadata = 9) kept
 * when they are scalars: a simple_value, or a TensorProto of one float or double (dtype = 1,
 * tensor_shape = 2, tensor_content = 4, float_val = 5, double_val = 6). Histograms, images and
 * text are skipped. The file's text is its bytes as a binary string (one char per byte, latin1).
 */
import { excerpt } from './input-limits.ts';
import { readFloat32, readFloat64, readMessage, readString, WireError, type WireField } from './protobuf-wire.ts';
import { labelFromFileName, LogInputError, RunBuilder, type TrainingRun } from './run.ts';
import { RecordError, tfRecords } from './tfrecord.ts';

/** Tags read as the learning rate. */
export const TENSORBOARD_LEARNING_RATE_TAGS = ['learning_rate', 'lr', 'train/learning_rate', 'train/lr', 'actor/lr'] as const;

const DT_FLOAT = 1;
const DT_DOUBLE = 2;

/** True when the name is a TensorBoard event file's. */
export function isTensorBoardName(name: string): boolean {
  return /(^|[\\/])events\.out\.tfevents\./.test(name);
}

/** A binary string of bytes (one char per byte), as the readers take a TensorBoard file; in chunks, so a large file does not overflow the call stack. */
export function bytesToBinaryString(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 15) parts.push(String.fromCharCode(...bytes.subarray(i, i + (1 << 15))));
  return parts.join('');
}

/** The bytes of a binary string; undefined when a char is past 255 (the file was decoded as text). */
export function binaryStringBytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) return undefined;
    bytes[i] = c;
  }
  return bytes;
}

/** The one value of a scalar TensorProto of floats or doubles, else undefined. */
function scalarTensor(bytes: Uint8Array, fields: WireField[]): number | undefined {
  let dtype = 0;
  const values: number[] = [];
  let content: [number, number] | undefined;
  for (const f of fields) {
    if (f.field === 1 && f.wire === 0) dtype = f.value;
    else if (f.field === 2 && f.wire === 2) {
      // tensor_shape: a scalar has no dims, or dims of size 1
      for (const dim of readMessage(bytes, f.start, f.end))
        if (dim.field === 2 && dim.wire === 2)
          for (const size of readMessage(bytes, dim.start, dim.end)) if (size.field === 1 && size.wire === 0 && size.value !== 1) return undefined;
    } else if (f.field === 4 && f.wire === 2) content = [f.start, f.end];
    else if (f.field === 5 && f.wire === 5) values.push(readFloat32(bytes, f.offset));
    else if (f.field === 5 && f.wire === 2) for (let o = f.start; o + 4 <= f.end; o += 4) values.push(readFloat32(bytes, o));
    else if (f.field === 6 && f.wire === 1) values.push(readFloat64(bytes, f.offset));
    else if (f.field === 6 && f.wire === 2) for (let o = f.start; o + 8 <= f.end; o += 8) values.push(readFloat64(bytes, o));
  }
  if (dtype !== DT_FLOAT && dtype !== DT_DOUBLE) return undefined;
  if (content) {
    const width = dtype === DT_FLOAT ? 4 : 8;
    if (content[1] - content[0] !== width) return undefined;
    return width === 4 ? readFloat32(bytes, content[0]) : readFloat64(bytes, content[0]);
  }
  return values.length === 1 ? values[0] : undefined;
}

/** The plugin a summary value's metadata names ('scalars', 'histograms', 'text', …), or ''. */
function pluginName(bytes: Uint8Array, metadata: WireField | undefined): string {
  if (!metadata || metadata.wire !== 2) return '';
  for (const f of readMessage(bytes, metadata.start, metadata.end))
    if (f.field === 1 && f.wire === 2)
      for (const p of readMessage(bytes, f.start, f.end)) if (p.field === 1 && p.wire === 2) return readString(bytes, p.start, p.end);
  return '';
}

/**
 * Reads one event file into one run, labelled by its folder (TensorBoard writes one file per run
 * folder). Refuses a file whose records or messages are corrupted, naming the record.
 *
 * @example
 *   const [run] = readTensorBoardEvents('runs/lr-1e-6/events.out.tfevents.1700000000.host.1.0', binary);
 *   run.metrics['train/reward'];
 */
export function readTensorBoardEvents(name: string, text: string, learningRateGiven = false): TrainingRun[] {
  const bytes = binaryStringBytes(text);
  if (!bytes) throw new LogInputError(name, undefined, undefined, 'a TensorBoard event file read as text: it must be read as bytes (binary)');
  const run = new RunBuilder(labelFromFileName(name), name, 'tensorboard');
  let lrTag: string | undefined;
  let record = 0;
  try {
    for (const [start, end] of tfRecords(bytes)) {
      let step = 0;
      let summary: WireField | undefined;
      for (const f of readMessage(bytes, start, end)) {
        if (f.field === 2 && f.wire === 0) step = f.value;
        else if (f.field === 5 && f.wire === 2) summary = f;
        else if (f.field === 3 && f.wire === 2 && !readString(bytes, f.start, f.end).startsWith('brain.Event:'))
          throw new LogInputError(name, undefined, 'file_version', `not a TensorBoard event file (version ${excerpt(readString(bytes, f.start, f.end))})`);
      }
      if (summary?.wire === 2) {
        for (const v of readMessage(bytes, summary.start, summary.end)) {
          if (v.field !== 1 || v.wire !== 2) continue;
          let tag = '';
          let value: number | undefined;
          let metadata: WireField | undefined;
          let tensor: WireField | undefined;
          for (const f of readMessage(bytes, v.start, v.end)) {
            if (f.field === 1 && f.wire === 2) tag = readString(bytes, f.start, f.end);
            else if (f.field === 2 && f.wire === 5) value = readFloat32(bytes, f.offset);
            else if (f.field === 8 && f.wire === 2) tensor = f;
            else if (f.field === 9) metadata = f;
          }
          if (value === undefined && tensor?.wire === 2) {
            const plugin = pluginName(bytes, metadata);
            if (plugin === '' || plugin === 'scalars') value = scalarTensor(bytes, readMessage(bytes, tensor.start, tensor.end));
          }
          if (value === undefined || tag === '') continue;
          run.addMetric(tag, step, value);
          if (lrTag === undefined && (TENSORBOARD_LEARNING_RATE_TAGS as readonly string[]).includes(tag)) lrTag = tag;
          if (tag === lrTag) run.addLearningRate(step, value);
        }
      }
      record++;
    }
  } catch (error) {
    if (error instanceof RecordError) throw new LogInputError(name, undefined, undefined, `TFRecord ${error.message}`);
    if (error instanceof WireError) throw new LogInputError(name, undefined, undefined, `record ${record}: a malformed Event message (${error.message})`);
    throw error;
  }
  if (run.pointCount === 0) throw new LogInputError(name, undefined, undefined, 'empty log: no scalar summaries in the event file');
  return [run.finish(lrTag ?? TENSORBOARD_LEARNING_RATE_TAGS.join(' or '), learningRateGiven)];
}
