/**
 * `gradgap merge DIR… --out DIR`: joins the outputs of `gradgap run --shard i/n` into exactly
 * what one unsharded run writes (results files byte for byte; plots and the baked file drawn
 * from the joined runs). Shards must come from one notebook and tile every sweep's run range
 * with no gap and no overlap; anything else is bad input (exit 2). Shards are read a chunk of runs at
 * a time (sweep-json-stream.ts) and their results files written as they are read, so merge holds a
 * chunk and the per-run finals, not the sweep.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, ResultsBuilder, type BackendInfo } from '../../engine/index.ts';
import { excerpt } from '../../spec/index.ts';
import type { ParsedArgs } from '../args.ts';
import { PROCESS_IO, type CliIO } from '../cli-io.ts';
import { sha256 } from '../provenance-info.ts';
import { checkShardHead, checkShardNotebook, checkShardProvenance, checkShardSpec, type ShardProvenance } from '../shard.ts';
import { InputError } from '../cli-error.ts';
import { readInputFile } from '../input-file.ts';
import { notebookFromText } from '../notebook-input.ts';
import { checkOutputPaths, NOTEBOOK_COPY, PROVENANCE_FILE, stageNotebookOutputs } from '../notebook-outputs.ts';
import { OutputStage } from '../output-files.ts';
import { progressReporter } from '../progress.ts';
import { SweepFilesWriter } from '../results-files.ts';
import { SweepJsonStream } from '../sweep-json-stream.ts';
import type { RangeResult } from '../run-range.ts';

interface ShardDir {
  dir: string;
  provenance: ShardProvenance;
  notebookText: string;
}

/** A shard folder: its provenance checked for shape, its notebook copy against the hash it records. */
function readShardDir(dir: string): ShardDir {
  const path = join(dir, PROVENANCE_FILE);
  if (!existsSync(path)) throw new InputError(`${dir}: no ${PROVENANCE_FILE}; not the output of gradgap run (or that run did not finish)`);
  // Each file by the read rule (input-file.ts): a regular file inside the shard's folder, within its limit.
  const text = readInputFile(path, 'shard-provenance', { inside: dir });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not JSON (${excerpt((error as Error).message, 120)})`);
  }
  const provenance = checkShardProvenance(dir, raw);
  const notebookText = readInputFile(join(dir, NOTEBOOK_COPY), 'shard-notebook', { inside: dir });
  checkShardNotebook(dir, provenance, notebookText, sha256);
  return { dir, provenance, notebookText };
}

/** The notebook's name as a shard's provenance gives it, a plain file name (checkShardProvenance), less .html. */
function notebookName(shard: ShardDir): string {
  return shard.provenance.notebook.file.replace(/\.html?$/i, '');
}

/** One backend description for the joined sweep: the shards' own when they agree. */
function mergedBackend(backends: BackendInfo[]): BackendInfo {
  const distinct = [...new Map(backends.map((b) => [canonicalJson(b), b])).values()];
  if (distinct.length === 1) return distinct[0];
  const adapters = [...new Set(backends.map((b) => (b.kind === 'cpu' ? 'CPU twin' : b.adapter)))];
  return {
    kind: backends[0].kind,
    threads: Math.max(...backends.map((b) => b.threads)),
    adapter: adapters.join(' + '),
    fallbackAdapter: backends.some((b) => b.fallbackAdapter),
    reason: `merged from ${backends.length} shards run on ${adapters.join(', ')}`,
  };
}

/** A shard's results file of one sweep, opened: its head read, its runs still in the file. */
interface ShardPart {
  file: SweepJsonStream;
  backend: BackendInfo;
  wallMs: number;
  dir: string;
}

/** Runs read from a shard's file at a time: what merge holds of a shard beyond the per-run finals. */
const MERGE_CHUNK_RUNS = 4096;

/** Checks that one sweep's shards tile its runs; InputError on a gap, an overlap or a different spec. Sorts them in run order. */
function checkTiling(id: string, parts: ShardPart[]): void {
  // By begin, then end: an empty shard [b, b) (more shards than runs) goes before the one starting at b.
  parts.sort((a, b) => a.file.head.runRange[0] - b.file.head.runRange[0] || a.file.head.runRange[1] - b.file.head.runRange[1]);
  const { specHash, runCount } = parts[0].file.head;
  let next = 0;
  for (const { file, dir } of parts) {
    if (file.head.specHash !== specHash)
      throw new InputError(
        `${dir}: sweep "${id}" has spec ${file.head.specHash.slice(0, 12)}…, another shard ${specHash.slice(0, 12)}…: not shards of one run`,
      );
    const [b, e] = file.head.runRange;
    if (b > next) throw new InputError(`sweep "${id}": runs [${next}, ${b}) are in no shard given (a shard is missing)`);
    if (b < next) throw new InputError(`${dir}: sweep "${id}" runs [${b}, ${e}) overlap another shard's (the same shard given twice?)`);
    next = e;
  }
  if (next !== runCount) throw new InputError(`sweep "${id}": runs [${next}, ${runCount}) are in no shard given (a shard is missing)`);
}

/**
 * Joins one sweep's shards, in run order, a chunk at a time: each chunk goes through the engine's
 * table builder (cells split between shards reduced as runSweep reduces them; no series kept) and
 * on to the results files' writer, so memory is bounded by a chunk and the per-run finals.
 */
function joinSweep(stage: OutputStage, id: string, parts: ShardPart[]): RangeResult {
  checkTiling(id, parts);
  const { spec, specHash, runCount } = parts[0].file.head;
  const files = new SweepFilesWriter(stage, id, spec, [0, runCount], runCount);
  const table = new ResultsBuilder(spec, [0, runCount], { keepSeries: false, onRuns: (chunk) => files.write(chunk) });
  for (const { file } of parts) {
    const read = (runs: number) => {
      try {
        return file.read(runs);
      } catch (error) {
        throw new InputError(`${file.path}: ${(error as Error).message}`);
      }
    };
    // The shard's statistics come with its first chunk (an empty shard's chunk holds no runs and no statistics).
    table.accept(read(MERGE_CHUNK_RUNS), file.head.cellStats);
    while (file.next < file.head.runRange[1]) table.accept(read(MERGE_CHUNK_RUNS));
  }
  const joined = table.finish({
    specHash,
    // Empty shards (more shards than runs) ran nothing; the backend is that of the shards that ran.
    backend: mergedBackend(parts.filter((p) => p.file.head.runRange[1] > p.file.head.runRange[0]).map((p) => p.backend)),
    wallMs: parts.reduce((sum, p) => sum + p.wallMs, 0),
    stopReason: 'done',
    message: '',
  });
  files.finish(specHash, joined.cellStats);
  return { ...joined, runRange: [0, runCount], runCount };
}

export async function mergeCommand(args: ParsedArgs, argv: readonly string[], io: CliIO = PROCESS_IO): Promise<number> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const shards = args.positional.map(readShardDir);
  const first = shards[0];
  for (const s of shards) {
    if (s.provenance.notebook.sha256 !== first.provenance.notebook.sha256)
      throw new InputError(`${s.dir} and ${first.dir} ran different notebooks (or different versions of one)`);
  }
  // Named as the notebook the shards ran (its baked-results file is <name>.results.json).
  const nb = { ...notebookFromText(join(first.dir, NOTEBOOK_COPY), first.notebookText), name: notebookName(first) };
  const results = new Map<string, RangeResult>();
  const stage = OutputStage.open(args.flags.out as string);
  try {
    checkOutputPaths(stage, nb);
    for (const sweep of nb.sweeps) {
      const parts: ShardPart[] = [];
      try {
        for (const s of shards) {
          const prov = s.provenance.sweeps[sweep.id];
          const path = join(s.dir, 'sweeps', `${sweep.id}.json`);
          if (!prov || !existsSync(path)) throw new InputError(`${s.dir}: no results for sweep "${sweep.id}"`);
          let file: SweepJsonStream;
          try {
            // The head is checked before anything is derived from it (recordEvery: 0 would loop for ever).
            file = SweepJsonStream.open(path, { inside: s.dir }, checkShardHead);
          } catch (error) {
            if (error instanceof InputError) throw error;
            throw new InputError(`${path}: ${(error as Error).message}`);
          }
          parts.push({ file, backend: prov.backend, wallMs: prov.wallMs, dir: s.dir });
          await checkShardSpec(s.dir, sweep.id, file.head, prov.specHash, sweep);
        }
        const joined = joinSweep(stage, sweep.id, parts);
        sweep.spec = joined.spec; // the seeds the shards ran with (published or the cell's)
        results.set(sweep.id, joined);
      } finally {
        for (const p of parts) p.file.close();
      }
    }
    await stageNotebookOutputs(stage, nb, results, {
      command: `gradgap ${argv.join(' ')}`,
      host: 'merge',
      runtime: [...new Set(shards.map((s) => s.provenance.runtime))].join(' + '),
      shard: null,
      startedAt,
      wallMs: performance.now() - started,
      shards: shards.map((s) => ({ dir: s.dir, ...s.provenance })),
    });
    const files = stage.commit([PROVENANCE_FILE]);
    progressReporter(io.stderr as NodeJS.WriteStream, Boolean(args.flags.quiet)).note(
      `merged ${shards.length} shards: wrote ${files.length} files to ${args.flags.out}`,
    );
    return 0;
  } catch (error) {
    stage.discard();
    throw error;
  }
}
