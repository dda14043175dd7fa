/**
 * Reads a sweep JSON file (results-files.ts's layout) a chunk of runs at a time, so that `gradgap
 * merge` holds one chunk of a shard, not the shard: the head (spec, cells, statistics) is parsed
 * whole, and each output's list, which runs over every run of the file, is read through a cursor
 * of its own from where its key stands at the start of a line. Values are exactly what
 * readSweepJson reads.
 *
 * @example
 *   const r = SweepJsonStream.open('out-1/sweeps/sweep.json');
 *   while (r.next < r.head.runRange[1]) builder.accept(r.read(4096));
 *   r.close();
 */
import { closeSync, readSync } from 'node:fs';
import {
  allocateRunArrays,
  recordSteps,
  RUN_OUTPUT_NAMES,
  RUN_OUTPUTS,
  runOutputNamesOf,
  type RunChunk,
  type RunOutputName,
  type RunOutputSpec,
} from '../engine/index.ts';
import { f32FromJson } from './float-format.ts';
import { openInputFile, showBytes, type InputFileOptions } from './input-file.ts';
import { cellStatsFromJson, SWEEP_FORMAT, SWEEP_VERSION, type SweepData } from './results-files.ts';

const BLOCK = 1 << 20;
/** The head is parsed whole: bounded, so a file with its lists far away cannot take the memory (a real head is kilobytes to a few MB). */
const MAX_HEAD_BYTES = 256 << 20;

/** The byte offset of `needle` at or after `from`, or -1. */
function findFrom(fd: number, size: number, needle: Buffer, from: number): number {
  const block = Buffer.alloc(BLOCK + needle.length);
  for (let at = from; at < size; at += BLOCK) {
    const n = readSync(fd, block, 0, Math.min(block.length, size - at), at);
    const i = block.subarray(0, n).indexOf(needle);
    if (i >= 0) return at + i;
  }
  return -1;
}

/** The scalars of one output's list, in order, from byte `at` up to `end` (brackets, commas and spaces skipped). */
class ValueCursor {
  private text = '';
  private i = 0;
  private readonly token = /[\s,[\]}]*([^\s,[\]}]+)/y; // the last list ends the file's object: '}' is no value

  constructor(
    private readonly fd: number,
    private at: number,
    private readonly end: number,
  ) {}

  /** Reads more of the section behind what is left; false at its end. */
  private more(): boolean {
    if (this.at >= this.end) return false;
    const bytes = Buffer.alloc(Math.min(BLOCK, this.end - this.at));
    const n = readSync(this.fd, bytes, 0, bytes.length, this.at);
    this.at += n;
    this.text = this.text.slice(this.i) + bytes.toString('latin1', 0, n);
    this.i = 0;
    return n > 0;
  }

  /** The next value's text, or undefined at the end of the section. */
  next(): string | undefined {
    for (;;) {
      this.token.lastIndex = this.i;
      const m = this.token.exec(this.text);
      // A token that reaches the end of what was read may go on in the next block.
      if (m && (this.token.lastIndex < this.text.length || this.at >= this.end)) {
        this.i = this.token.lastIndex;
        return m[1];
      }
      if (!this.more()) {
        this.i = this.text.length;
        return undefined;
      }
    }
  }
}

export class SweepJsonStream {
  next: number; // first run not yet read
  private readonly R: number;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly head: Omit<SweepData, 'runs'>,
    private readonly cursors: Partial<Record<RunOutputName, ValueCursor>>,
  ) {
    this.R = recordSteps(head.spec.base.iterations, head.spec.base.recordEvery).length;
    this.next = head.runRange[0];
  }

  /** Opens a sweep JSON file and parses its head, which `check` may refuse before any use; throws an Error naming what is wrong. */
  static open(path: string, options: InputFileOptions = {}, check?: (head: Record<string, unknown>) => void): SweepJsonStream {
    // By the read rule (input-file.ts): a regular file (a FIFO cannot hang merge), inside the shard's folder.
    const { fd, size } = openInputFile(path, 'shard-results', options);
    try {
      const find = (name: RunOutputName) => {
        const key = Buffer.from(`\n${JSON.stringify(name)}: [`);
        const at = findFrom(fd, size, key, 0);
        if (at < 0) throw new Error(`no ${JSON.stringify(name)} list`);
        return { at: at + key.length, key: at };
      };
      const first = find(RUN_OUTPUT_NAMES[0]); // every sweep has it: the head ends there
      if (first.key > MAX_HEAD_BYTES)
        throw new Error(
          `its head (spec, cells, statistics) is ${showBytes(first.key)}, more than the ${showBytes(MAX_HEAD_BYTES)} a results file's head may be`,
        );
      const headBytes = Buffer.alloc(first.key);
      readSync(fd, headBytes, 0, headBytes.length, 0);
      const raw = JSON.parse(`${headBytes.toString('utf8').trimEnd().replace(/,$/, '')}\n}`);
      if (raw?.format !== SWEEP_FORMAT || raw.version !== SWEEP_VERSION) throw new Error(`not a ${SWEEP_FORMAT} version ${SWEEP_VERSION} file`);
      check?.(raw);
      const head = {
        sweep: raw.sweep,
        specHash: raw.specHash,
        spec: raw.spec,
        runCount: raw.runCount,
        runRange: raw.runRange as [number, number],
        cellStats: cellStatsFromJson(raw.cellStats),
      };
      // The outputs the sweep's policy has (runOutputNamesOf): a log-linear sweep's file lists no transformer output.
      const names = runOutputNamesOf(head.spec ?? { base: {} });
      const starts = names.map(find);
      const cursors = Object.fromEntries(
        names.map((name, k) => [name, new ValueCursor(fd, starts[k].at, k + 1 < starts.length ? starts[k + 1].key : size)]),
      ) as Partial<Record<RunOutputName, ValueCursor>>;
      return new SweepJsonStream(path, fd, head, cursors);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The next `runs` runs (fewer at the end of the file's range). */
  read(runs: number): RunChunk {
    const begin = this.next;
    const end = Math.min(this.head.runRange[1], begin + runs);
    const chunk = { ...allocateRunArrays(end - begin, this.R), begin, end };
    for (const name of RUN_OUTPUT_NAMES) {
      const into = chunk[name];
      const cursor = this.cursors[name];
      const spec: RunOutputSpec = RUN_OUTPUTS[name];
      if (!cursor) {
        into.fill(spec.pending ?? 0); // an output this sweep's policy does not have
        continue;
      }
      const flag = spec.array === Uint8Array;
      for (let i = 0; i < into.length; i++) {
        const text = cursor.next();
        if (text === undefined) throw new Error(`"${name}" holds fewer values than the range [${this.head.runRange.join(', ')}) needs`);
        into[i] = flag ? Number(text) : text.startsWith('"') ? f32FromJson(JSON.parse(text)) : Math.fround(Number(text));
      }
    }
    this.next = end;
    if (end === this.head.runRange[1]) {
      for (const name of RUN_OUTPUT_NAMES) {
        if (this.cursors[name] && this.cursors[name].next() !== undefined)
          throw new Error(`"${name}" holds more values than the range [${this.head.runRange.join(', ')}) needs`);
      }
    }
    return chunk;
  }

  close(): void {
    closeSync(this.fd);
  }
}
