/**
 * The per-run outputs of a sweep (SPEC 1.4), declared once. Allocation, the GPU readback, the
 * worker transfer, the chrome host's wire format, merge and the CSV/JSON files are all driven by
 * RUN_OUTPUTS; adding an output means one entry here, the kernel that writes it
 * (shaders/sequence.wgsl) and its twin (sequence-cpu.ts).
 *
 * Layout: struct of arrays, run index = cell·seeds + seed; a per-record output is
 * [run · recordSteps.length + record].
 *
 * Outputs marked `only` (the transformer's) are held by every sweep's arrays but written to the
 * files of their policy's sweeps only (runOutputNamesOf).
 *
 * @example
 *   const arrays = allocateRunArrays(runs, recordSteps.length);
 *   for (const name of RUN_OUTPUT_NAMES) arrays[name]; // Float32Array or Uint8Array
 */

import type { Policy } from '../spec/index.ts';

/** Where an output's values come from. */
type OutputSource =
  | { kernel: 'state'; start: number } // a field of the same name in sequence.wgsl's RunState; the host starts it at `start`
  | { kernel: 'records' } // a block of sequence.wgsl's records buffer, blocks in declaration order, started at NaN
  | { derive: (a: KernelArraysView, k: number, records: number) => number } // element k, computed on the host from kernel outputs after each chunk
  | { transformer: 'run' }; // written only by storeTransformerRun (transformer-run.ts), from a transformer run's warm start and loop

/** Kernel outputs as a derivation sees them (named loosely: RunArrays is defined from this file). */
type KernelArraysView = Readonly<Record<string, ArrayLike<number>>>;

export interface RunOutputSpec {
  array: Float32ArrayConstructor | Uint8ArrayConstructor; // Uint8Array holds a 0/1 flag
  per: 'run' | 'record'; // one value per run, or per run and recorded step
  source: OutputSource;
  pending?: number; // value of a run not computed (a cancelled sweep's table); 0 when absent
  doc: string;
  csv?: string | { final: string } | { eachStep: string }; // runs CSV: a column; a per-record output's last record; one column per recorded step, `${eachStep}_${step}`
  only?: Policy; // an output only sweeps of this policy have: the files of other sweeps leave it out, so theirs are as before it existed
}

/** A block of sequence.wgsl's records buffer: one f32 per run and recorded step, started at NaN. */
const recordBlock = (doc: string, csv?: { final: string } | { eachStep: string }) =>
  ({ array: Float32Array, per: 'record', source: { kernel: 'records' }, doc, ...(csv ? { csv } : {}) }) as const;

export const RUN_OUTPUTS = {
  initialJ: { array: Float32Array, per: 'run', source: { derive: (a, k, R) => a.trajectory[k * R] }, doc: 'J(θ0), exact', csv: 'initialJ' },
  finalJ: {
    array: Float32Array,
    per: 'run',
    source: { kernel: 'state', start: NaN },
    pending: NaN,
    doc: 'J at the last step; NaN when diverged',
    csv: 'finalJ',
  },
  minJ: { array: Float32Array, per: 'run', source: { kernel: 'state', start: Infinity }, doc: 'minimum of J over the recorded steps', csv: 'minJ' },
  diverged: {
    array: Uint8Array,
    per: 'run',
    source: { kernel: 'state', start: 0 },
    doc: '1 when θ became NaN or ±Inf; such a run is never averaged in',
    csv: 'diverged',
  },
  trajectory: recordBlock('J at each recorded step', { eachStep: 'J' }),
  thetaNorm: recordBlock('‖θ‖ at each recorded step', { final: 'thetaNormFinal' }),
  gradientNorm: recordBlock('‖∇J‖ at each recorded step, exact'),
  updateNorm: recordBlock('‖Δθ‖ of the step into each recorded step (θ_t − θ_{t−1}; 0 at step 0), after clipping and the optimizer', {
    final: 'updateNormFinal',
  }),
  expectedLength: recordBlock('E_π|o|, the exact expected response length at each recorded step (L without EOS)', { final: 'expectedLengthFinal' }),
  meanLength: recordBlock(
    'mean length of the responses sampled at each recorded step (at the last, a batch drawn for the record); L without EOS, NaN in exact mode',
    { final: 'meanLengthFinal' },
  ),
  meanLengthPassing: recordBlock('mean length of the sampled responses with reward 1; NaN when none passed (L without EOS)', {
    final: 'meanLengthPassingFinal',
  }),
  meanLengthFailing: recordBlock('mean length of the sampled responses with reward 0; NaN when none failed (L without EOS)', {
    final: 'meanLengthFailingFinal',
  }),
  solvedShare: recordBlock('share of the prompts solved at each recorded step, J_q > ½ (SPEC 1.8; a bandit counts its prompts, one token prompt is J itself)', {
    final: 'solvedShareFinal',
  }),
  lostShare: recordBlock('share of the prompts lost at each recorded step, J_q < J_q(0)/2 (SPEC 1.8)', { final: 'lostShareFinal' }),
  // The PPO loop (SPEC 1.9).
  clippedShare: recordBlock(
    'share of the token-updates of the batch trained into each recorded step whose ratio term the clip zeroed (TRL clip_ratio/region_mean, verl pg_clipfrac); 0 at step 0 and in the one-step loop, where ρ = 1',
    { final: 'clippedShareFinal' },
  ),
  klReference: recordBlock('exact KL(π_θ ‖ π_θ0) of a response at each recorded step (mean over prompts); NaN outside the PPO loop (μ·M = 1, β = 0)', {
    final: 'klReferenceFinal',
  }),
  // The transformer policy (SPEC 1.10): held-out J, and the supervised warm start that brings J to J0.
  heldOutJ: {
    array: Float32Array,
    per: 'record',
    source: { transformer: 'run' },
    pending: NaN,
    doc: 'exact held-out J (teacher forcing over heldOutPrompts prompts never trained on) at each recorded step; NaN without held-out prompts',
    csv: { eachStep: 'heldOutJ' },
    only: 'transformer',
  },
  sftSteps: {
    array: Float32Array,
    per: 'run',
    source: { transformer: 'run' },
    doc: 'Adam steps the supervised warm start took (until J first reached J0, or sftMaxSteps)',
    csv: 'sftSteps',
    only: 'transformer',
  },
  sftJ: {
    array: Float32Array,
    per: 'run',
    source: { transformer: 'run' },
    doc: 'the exact training J the warm start reached',
    csv: 'sftJ',
    only: 'transformer',
  },
  sftReached: {
    array: Uint8Array,
    per: 'run',
    source: { transformer: 'run' },
    doc: '1 when the warm start reached J0 within sftMaxSteps; a run that did not is never trained nor averaged in (its J series are NaN)',
    csv: 'sftReached',
    only: 'transformer',
  },
  oneStepThreshold: {
    array: Float32Array,
    per: 'run',
    source: { transformer: 'run' },
    pending: NaN,
    doc: 'the predicted one-step threshold η* at θ after the warm start (exact expected update, line search to 1e-3): +∞ when one step raises J at every η up to 1e6, 0 when it does not raise J, NaN without a prediction (warm start short of J0; not plain SGD; PPO or β > 0)',
    csv: 'oneStepThreshold',
    only: 'transformer',
  },
  gapNorm: {
    array: Float32Array,
    per: 'record',
    // The gradient gap from the exact identity ∇J = J(1−J)·g (SPEC 1.1).
    source: { derive: (a, k) => (a.trajectory[k] > 0 && a.trajectory[k] < 1 ? a.gradientNorm[k] / (a.trajectory[k] * (1 - a.trajectory[k])) : NaN) },
    // With many prompts (SPEC 1.8) this is the mixture's gap E[s|r=1] − E[s|r=0], for which the identity still holds;
    // it is not the mean of the prompts' own gaps g_q (∇J_q = J_q(1−J_q)·g_q holds per prompt: theory/gradient-gap.ts promptGaps).
    doc: '‖g‖ = ‖∇J‖ / (J(1−J)), the gradient gap (with many prompts, the mixture’s: not the mean of per-prompt gaps); NaN where J rounds to 0 or 1 in f32',
    csv: { final: 'gapNormFinal' },
  },
} as const satisfies Record<string, RunOutputSpec>;

type Outputs = typeof RUN_OUTPUTS;
export type RunOutputName = keyof Outputs;
type ArrayOf<C> = C extends Uint8ArrayConstructor ? Uint8Array : Float32Array;
type NamesWhere<T> = { [K in RunOutputName]: Outputs[K] extends T ? K : never }[RunOutputName];

/** Every per-run output as its typed array. */
export type RunArrays = { [K in RunOutputName]: ArrayOf<Outputs[K]['array']> };

/** A sweep's (or a shard's) per-run outputs. */
export type RunOutputs = RunArrays & {
  runCount: number; // runs held
  recordSteps: number[]; // the steps at which per-record outputs were recorded
};

/** Outputs of runs [begin, end), laid out as in RunOutputs. */
export type RunChunk = RunArrays & { begin: number; end: number };

/** The per-run outputs every sweep has (a summary holds each, by this name); a policy's own (`only`) are apart. */
export type PerRunOutputName = Exclude<NamesWhere<{ per: 'run' }>, NamesWhere<{ only: Policy }>>;
export type KernelStateName = NamesWhere<{ source: { kernel: 'state' } }>;
export type KernelRecordName = NamesWhere<{ source: { kernel: 'records' } }>;

/** One run's kernel outputs as the CPU twin writes them: flags as booleans, records into views. */
export type RunRecord = { [K in KernelStateName]: Outputs[K]['array'] extends Uint8ArrayConstructor ? boolean : number } & {
  [K in KernelRecordName]: Float32Array;
};

const names = <K extends RunOutputName>(keep: (spec: RunOutputSpec) => boolean) => (Object.keys(RUN_OUTPUTS) as K[]).filter((k) => keep(RUN_OUTPUTS[k]));

export const RUN_OUTPUT_NAMES: readonly RunOutputName[] = names(() => true);
export const PER_RUN_OUTPUTS: readonly PerRunOutputName[] = names((s) => s.per === 'run' && s.only === undefined);
/** RunState fields of sequence.wgsl that are outputs. */
export const KERNEL_STATE_OUTPUTS: readonly KernelStateName[] = names((s) => 'kernel' in s.source && s.source.kernel === 'state');
/** Blocks of sequence.wgsl's records buffer ([block][record][run]), in this order. */
export const KERNEL_RECORD_OUTPUTS: readonly KernelRecordName[] = names((s) => 'kernel' in s.source && s.source.kernel === 'records');
const DERIVED_OUTPUTS = names((s) => 'derive' in s.source);

/** Whether a sweep has an output: every sweep has those without `only`; the others only sweeps of their policy. */
export function outputApplies(name: RunOutputName, spec: { base: { policy?: Policy } }): boolean {
  const { only }: RunOutputSpec = RUN_OUTPUTS[name];
  return only === undefined || (spec.base.policy ?? 'log-linear') === only;
}

/** The outputs a sweep has, in RUN_OUTPUTS' order (its files list these). */
export function runOutputNamesOf(spec: { base: { policy?: Policy } }): RunOutputName[] {
  return RUN_OUTPUT_NAMES.filter((name) => outputApplies(name, spec));
}

/** Values an output holds for `runs` runs of `records` recorded steps. */
export function outputLength(name: RunOutputName, runs: number, records: number): number {
  return RUN_OUTPUTS[name].per === 'run' ? runs : runs * records;
}

/** Zeroed arrays for `runs` runs of `records` recorded steps. */
export function allocateRunArrays(runs: number, records: number): RunArrays {
  const out = {} as Record<RunOutputName, Float32Array | Uint8Array>;
  for (const name of RUN_OUTPUT_NAMES) out[name] = new RUN_OUTPUTS[name].array(outputLength(name, runs, records));
  return out as RunArrays;
}

/** A table for `runs` runs not yet computed: each output at its pending value. */
export function pendingRunOutputs(runs: number, recordSteps: number[]): RunOutputs {
  const arrays = allocateRunArrays(runs, recordSteps.length);
  for (const name of RUN_OUTPUT_NAMES) {
    const spec: RunOutputSpec = RUN_OUTPUTS[name];
    if (spec.pending !== undefined) arrays[name].fill(spec.pending);
  }
  return { ...arrays, runCount: runs, recordSteps };
}

/** Copies every output that `from` has into `into`, `from`'s first run landing at run `at`. */
export function copyRunArrays(into: RunOutputs, from: Partial<RunArrays>, at: number): void {
  const R = into.recordSteps.length;
  for (const name of RUN_OUTPUT_NAMES) {
    const values = from[name];
    if (values) into[name].set(values, RUN_OUTPUTS[name].per === 'run' ? at : at * R);
  }
}

/** Fills the derived outputs of `arrays` from its kernel outputs. */
export function deriveOutputs(arrays: RunArrays, records: number): void {
  for (const name of DERIVED_OUTPUTS) {
    const source = RUN_OUTPUTS[name].source as { derive: (a: KernelArraysView, k: number, records: number) => number };
    const into = arrays[name];
    for (let k = 0; k < into.length; k++) into[k] = source.derive(arrays, k, records);
  }
}

/** The buffers behind every output, for a transfer list. */
export function runArrayBuffers(arrays: RunArrays): ArrayBuffer[] {
  return RUN_OUTPUT_NAMES.map((name) => arrays[name].buffer as ArrayBuffer);
}

/** A twin's run record writing its records into `arrays` at run `i`. */
export function runRecordAt(arrays: RunArrays, i: number, records: number): RunRecord {
  const record = {} as Record<string, unknown>;
  for (const name of KERNEL_STATE_OUTPUTS) record[name] = RUN_OUTPUTS[name].array === Uint8Array ? false : 0;
  for (const name of KERNEL_RECORD_OUTPUTS) record[name] = arrays[name].subarray(i * records, (i + 1) * records);
  return record as RunRecord;
}

/** A twin's run record with arrays of its own. */
export function newRunRecord(records: number): RunRecord {
  return runRecordAt(allocateRunArrays(1, records), 0, records);
}

/** Stores a twin's per-run values at run `i` of `arrays` (its records are already there). */
export function storeRunRecord(arrays: RunArrays, i: number, record: RunRecord): void {
  for (const name of KERNEL_STATE_OUTPUTS) arrays[name][i] = Number(record[name]);
}
