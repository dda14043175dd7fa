/**
 * gradgap's command line (SPEC 2.4): run notebooks headless, merge shards, verify against baked
 * results, benchmark the engines. Exit codes: 0 ok, 1 run failure (or a verify mismatch),
 * 2 bad input; every failure is one line on stderr.
 *
 * @example
 *   npx gradgap run notebooks/threshold.html --out out/threshold --host dawn
 */
import { parseArgs, type CommandShape } from './args.ts';
import { EXIT_BAD_INPUT, EXIT_RUN_FAILURE, InputError, RunError, oneLine } from './cli-error.ts';
import { PROCESS_IO, type CliIO } from './cli-io.ts';
import { HOSTS } from './hosts/host.ts';
import { MAX_SHARDS } from './shard.ts';

const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;
const common = { host: HOSTS, backend: BACKENDS, threads: 'value', quiet: 'boolean' } as const;
const hints = {
  threads: 'an integer in [1, 1024]',
  out: 'a directory',
  shard: `i/n with n in [1, ${MAX_SHARDS}] and i in [1, n], or slurm`,
  tasks: `an integer in [1, ${MAX_SHARDS}]`,
  'cpus-per-task': 'an integer in [1, 1024]',
  partition: 'a Slurm partition name',
  time: 'a Slurm time limit such as 2:00:00',
  baked: 'a .results.json file',
};

export const COMMANDS: Record<string, CommandShape> = {
  run: {
    positional: { min: 1, max: 1, name: 'NOTEBOOK' },
    flags: { ...common, out: 'value', shard: 'value', spec: ['published', 'cell'] },
    required: ['out'],
    hints,
  },
  merge: { positional: { min: 1, max: MAX_SHARDS, name: 'DIR…' }, flags: { out: 'value', quiet: 'boolean' }, required: ['out'], hints },
  verify: { positional: { min: 1, max: 1, name: 'NOTEBOOK' }, flags: { ...common, baked: 'value' }, hints },
  bench: {
    positional: { min: 0, max: 0, name: '' },
    flags: { ...common, workload: ['W1', 'W1-adamw', 'W1-eos', 'W1-prompts', 'W1-ppo', 'W2', 'W3', 'all'], full: 'boolean', quick: 'boolean' },
    hints,
  },
  slurm: {
    positional: { min: 1, max: 1, name: 'NOTEBOOK' },
    flags: { out: 'value', tasks: 'value', partition: 'value', time: 'value', 'cpus-per-task': 'value', backend: BACKENDS, submit: 'boolean' },
    required: ['out', 'tasks'],
    hints,
  },
  help: { positional: { min: 0, max: 1, name: 'COMMAND' }, flags: {} },
};

export const USAGE = `gradgap: RLVR step-size sweeps without a browser window

  gradgap run NOTEBOOK --out DIR [--host dawn|chrome] [--backend auto|webgpu|cpu]
                       [--shard i/n|slurm] [--spec published|cell] [--threads N] [--quiet]
      Runs every sweep of the notebook; writes sweeps/<id>.json|.runs.csv|.cells.csv,
      plots/<id>.svg, <notebook>.results.json (baked format) and provenance.json.
      --shard slurm: the shard of this Slurm job-array task (task ids MIN…MAX are shards 1…n).
  gradgap merge DIR… --out DIR
      Joins the outputs of --shard 1/n … n/n into what one unsharded run writes.
  gradgap slurm NOTEBOOK --out DIR --tasks n [--partition P] [--time T] [--cpus-per-task c]
                         [--backend auto|webgpu|cpu] [--submit]
      Writes DIR/slurm/array.sbatch (n array tasks, shard i into DIR/shards/i) and merge.sbatch
      (into DIR/merged); --submit submits both, the merge after the array (afterok). Submitted
      again, it runs only the shards without a provenance.json.
  gradgap verify NOTEBOOK [--baked FILE] [--host …] [--backend …]
      Re-runs the notebook and compares with its baked results (NOTEBOOK.results.json):
      bit for bit on the same kind of adapter, within sampling error otherwise.
  gradgap bench [--host dawn|chrome] [--workload W1|W1-adamw|W1-eos|W1-prompts|W1-ppo|W2|W3|all] [--full | --quick]
      Throughput of the WGSL engine and the CPU twin (1 thread, all cores); last line JSON.
      Engines measure a subset of the runs (same per-run work) unless --full or a hardware GPU;
      --quick is a seconds-long smoke test whose rates mean nothing.
      W3 (transformer, not in all): the twin on --threads (default all) cores vs the same model and
      loop in PyTorch on the CPU (scripts/w3-torch.py, $PYTHON or /usr/bin/python3, batched over
      1,024 runs, as many threads), GRPO iterations timed after an untimed warm start; medians of 5.

  --host     dawn: Dawn in Node (npm webgpu), default; chrome: headless Chromium ($CHROME_PATH)
  --backend  auto (WebGPU on a hardware adapter, else the CPU twin), webgpu, cpu
  --spec     published: each sweep's publishSeeds (what baked results hold), default; cell: its seeds
Exit codes: 0 ok, 1 run failure or verify mismatch, 2 bad input.`;

/**
 * Runs one command and returns its exit code; never calls process.exit, so tests run it in-process
 * with their own `io` (a command that streams progress, `run`, still writes that to process.stderr).
 */
export async function main(argv: readonly string[], io: CliIO = PROCESS_IO): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
      io.stdout.write(`${USAGE}\n`);
      if (argv.length > 0) return 0;
      // No command is a mistake: the usage on stdout, and the one-line reason every failure gives on stderr.
      io.stderr.write(`gradgap: no command given; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
      return EXIT_BAD_INPUT;
    }
    const args = parseArgs(argv, COMMANDS);
    switch (args.command) {
      case 'run':
        return await (await import('./commands/run-command.ts')).runCommand(args, argv, io);
      case 'merge':
        return await (await import('./commands/merge-command.ts')).mergeCommand(args, argv, io);
      case 'slurm':
        return await (await import('./commands/slurm-command.ts')).slurmCommand(args);
      case 'verify':
        return await (await import('./commands/verify-command.ts')).verifyCommand(args, io);
      case 'bench':
        return await (await import('./commands/bench-command.ts')).benchCommand(args);
      default:
        io.stdout.write(`${USAGE}\n`);
        return 0;
    }
  } catch (error) {
    const known = error instanceof InputError || error instanceof RunError;
    const code = known ? error.exitCode : EXIT_RUN_FAILURE;
    io.stderr.write(`gradgap: ${oneLine(known ? error.message : String((error as Error)?.message ?? error))}\n`);
    if (!known && process.env.GRADGAP_DEBUG) io.stderr.write(`${(error as Error)?.stack}\n`);
    return code === EXIT_BAD_INPUT ? EXIT_BAD_INPUT : EXIT_RUN_FAILURE;
  }
}
