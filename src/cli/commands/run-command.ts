/**
 * `gradgap run NOTEBOOK --out DIR [--host dawn|chrome] [--backend auto|webgpu|cpu] [--shard i/n|slurm]`:
 * every sweep of the notebook on one host, then results, figures and provenance into DIR.
 * Input is checked in full (notebook, specs, shard, --out) before the host starts.
 */
import { logsReport } from '../logs-report.ts';
import { InputError, RunError } from '../cli-error.ts';
import { parseSpec, type BackendChoice, type RunChunk } from '../../engine/index.ts';
import { openHost, type Host, type HostName } from '../hosts/host.ts';
import { readNotebookFile, type NotebookInput, type SeedChoice } from '../notebook-input.ts';
import { checkOutputPaths, stageNotebookOutputs } from '../notebook-outputs.ts';
import { OutputStage } from '../output-files.ts';
import { progressReporter } from '../progress.ts';
import { SweepFilesWriter } from '../results-files.ts';
import { emptyRange, sweepRunCount, type RangeResult } from '../run-range.ts';
import { parseShard, shardRange, type Shard } from '../shard.ts';
import { slurmShard } from '../slurm-env.ts';
import type { ParsedArgs } from '../args.ts';
import { PROCESS_IO, type CliIO } from '../cli-io.ts';

export function describeBackend(r: Pick<RangeResult, 'backend'>): string {
  const b = r.backend;
  return b.kind === 'cpu' ? `CPU twin, ${b.threads} thread(s)` : `WebGPU on ${b.adapter}`;
}

/** Parses --threads; InputError unless decimal digits for an integer in [1, 1024] (not 1e1, 0x10, 4.0, " 4"). */
export function threadsFlag(value: string | true | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1024) throw new InputError(`--threads ${value}: must be an integer in [1, 1024]`);
  return n;
}

/**
 * Runs every sweep of a checked notebook on a host; RunError if any stops early. With `stage`, each
 * sweep's results files are written into it as its chunks finish (in run order) and the results
 * hold no per-run series, so memory does not grow with the sweep's series (both hosts stream);
 * without, `keepSeries: false` drops them too (verify, which compares what a baked file holds).
 */
export async function runNotebookSweeps(
  nb: Pick<NotebookInput, 'sweeps'>,
  host: Host,
  options: { backend: BackendChoice; threads?: number; shard: Shard | null; quiet?: boolean; stage?: OutputStage; keepSeries?: boolean },
): Promise<Map<string, RangeResult>> {
  const bar = progressReporter(process.stderr, options.quiet);
  const results = new Map<string, RangeResult>();
  for (const sweep of nb.sweeps) {
    const range = options.shard ? shardRange(options.shard, sweepRunCount(sweep.spec)) : null;
    if (range && range[0] === range[1]) {
      // More shards than runs: this shard writes empty results, which gradgap merge joins as they are.
      const empty = await emptyRange(sweep.spec, range[0]);
      bar.done(
        `${sweep.id}: shard ${options.shard!.index}/${options.shard!.count} holds none of its ${empty.runCount} runs (more shards than runs); writing empty results`,
      );
      results.set(sweep.id, empty);
      continue;
    }
    const runCount = sweepRunCount(sweep.spec);
    const files = options.stage && new SweepFilesWriter(options.stage, sweep.id, parseSpec(sweep.spec), range ?? [0, runCount], runCount);
    const r = await host.run(sweep.spec, range, {
      backend: options.backend,
      threads: options.threads,
      onProgress: (p) => bar.update(sweep.id, p.runsDone, p.runsTotal),
      ...(files ? { onRuns: (chunk: RunChunk) => files.write(chunk), keepSeries: false } : { keepSeries: options.keepSeries }),
    });
    if (!r.complete) throw new RunError(`sweep "${sweep.id}" stopped (${r.stopReason}): ${r.message}`);
    if (files) {
      if (files.runsWritten === 0) files.write({ ...r.runs, begin: r.runRange[0], end: r.runRange[1] }); // a host that streamed nothing
      files.finish(r.specHash, r.cellStats);
    }
    bar.done(`${sweep.id}: ${r.runRange[1] - r.runRange[0]} runs in ${(r.wallMs / 1000).toFixed(1)} s (${describeBackend(r)}; ${r.backend.reason})`);
    results.set(sweep.id, r);
  }
  return results;
}

export async function runCommand(args: ParsedArgs, argv: readonly string[], io: CliIO = PROCESS_IO): Promise<number> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const nb = readNotebookFile(args.positional[0], (args.flags.spec as SeedChoice | undefined) ?? 'published');
  const shard = args.flags.shard === 'slurm' ? slurmShard(process.env) : typeof args.flags.shard === 'string' ? parseShard(args.flags.shard) : null;
  const threads = threadsFlag(args.flags.threads);
  const stage = OutputStage.open(args.flags.out as string);
  const hostName = (args.flags.host as HostName | undefined) ?? 'dawn';
  const bar = progressReporter(process.stderr, Boolean(args.flags.quiet));
  try {
    checkOutputPaths(stage, nb); // before the run: a path that would leave --out is bad input, not a failure after it
    const host = await openHost(hostName);
    let results: Map<string, RangeResult>;
    try {
      results = await runNotebookSweeps(nb, host, {
        backend: (args.flags.backend as BackendChoice | undefined) ?? 'auto',
        threads,
        shard,
        quiet: Boolean(args.flags.quiet),
        stage,
      });
    } finally {
      await host.close();
    }
    const plots = await stageNotebookOutputs(stage, nb, results, {
      command: `gradgap ${argv.join(' ')}`,
      host: hostName,
      runtime: host.runtime,
      shard,
      startedAt,
      wallMs: performance.now() - started,
    });
    const files = stage.commit(['provenance.json']);
    for (const [id, analysis] of nb.logsResults) io.stdout.write(logsReport(id, analysis));
    bar.note(
      `wrote ${files.length} files to ${args.flags.out}${shard ? ` (shard ${shard.index}/${shard.count}: plots are drawn by gradgap merge)` : ` (${plots.length} plots)`}`,
    );
    return 0;
  } catch (error) {
    stage.discard();
    throw error;
  }
}
