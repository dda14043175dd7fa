/**
 * One transformer run (SPEC 1.10) on the f32 twin, and the one place a run's results become its
 * per-run outputs (RUN_OUTPUTS). A run: its task set and θ0 from (seed, seed index) — so a seed is
 * paired across cells — the supervised warm start to J0, then the GRPO loop; a run whose warm
 * start does not reach J0 is never trained, and its J series stay NaN (results-builder leaves it
 * out of every statistic and band, and counts it).
 *
 * A run that reached J0 also gets its predicted one-step threshold at that θ (transformer-threshold.ts),
 * where the loop is one plain SGD step; it does not depend on η, so a chunk computes it once per
 * seed and everything else it reads (TwinCache.thresholds), and an η grid pays for it once.
 *
 * storeTransformerRun is what a WGSL transformer kernel's readback calls too, with the same two
 * parts ({ sft, loop }) read from its buffers (and the threshold, where the host computed it).
 *
 * @example
 *   const result = runTransformer(cell.params, spec.seed, seedIndex, run, models);
 *   storeTransformerRun(arrays, i, steps.length, result, cell.params);
 */
import { F32, initialParameters, makeTaskSet, TransformerTwin, transformerModel, type TaskSet } from '../model/index.ts';
import { taskResponseLength, transformerPositions, type RunParams } from '../spec/index.ts';
import type { RunArrays } from './run-outputs.ts';
import { trainTransformerGrpo, type TransformerLoopParams, type TransformerLoopResult } from './transformer-grpo.ts';
import { supervisedWarmStart, type SftResult } from './transformer-sft.ts';
import { hasOneStepPrediction, runOneStepThreshold, RUN_THRESHOLD_TOLERANCE } from './transformer-threshold.ts';

/** The loop's optional records that are RUN_OUTPUTS of the same name (the twin records all; a kernel may leave some out). */
const RECORDED_SERIES = [
  'thetaNorm',
  'gradientNorm',
  'solvedShare',
  'lostShare',
  'clippedShare',
  'klReference',
  'expectedLength',
  'meanLength',
  'meanLengthPassing',
  'meanLengthFailing',
] as const;
type RecordedSeries = (typeof RECORDED_SERIES)[number];

/** What storeTransformerRun reads of a run: its warm start, and its loop (null when the warm start did not reach J0). */
export interface TransformerRunResult {
  sft: Pick<SftResult, 'steps' | 'J' | 'reached'>;
  loop: Pick<TransformerLoopResult, 'J' | 'heldOutJ' | 'deltaNorm' | 'meanReward' | 'diverged' | RecordedSeries> | null;
  oneStepThreshold?: number; // the predicted threshold at θ after the warm start (NaN, or absent, without a prediction)
}

/** A run's model shape: T holds the prompt and the task's response. */
export function transformerShape(p: RunParams) {
  return { V: p.V, d: p.d, T: transformerPositions(p), layers: p.layers, heads: p.heads };
}

/**
 * oneStepThreshold by thresholdKey, kept across chunks on this thread (a worker runs many chunks
 * of one sweep): runs that differ only in η share θ after the warm start, so their value, and an η
 * grid is usually cut across chunks. A key names every parameter, so a value is never stale; the
 * map is emptied when it grows past THRESHOLD_MEMO_SIZE.
 */
const THRESHOLD_MEMO = new Map<string, number>();
const THRESHOLD_MEMO_SIZE = 65_536;

/** Twins by shape, so a chunk builds each model's buffers once; and the one-step thresholds known on this thread. */
export class TwinCache {
  private readonly twins = new Map<string, TransformerTwin>();
  readonly thresholds = THRESHOLD_MEMO;
  get(p: RunParams): TransformerTwin {
    const shape = transformerShape(p);
    const key = `${shape.V}|${shape.d}|${shape.T}|${shape.layers}|${shape.heads}`;
    let twin = this.twins.get(key);
    if (!twin) this.twins.set(key, (twin = new TransformerTwin(transformerModel(shape, F32))));
    return twin;
  }
}

/** The task set of seed index `seedIndex` (the same prompts in every cell of equal task sizes). */
export function runTaskSet(p: RunParams, seed: number, seedIndex: number): TaskSet {
  return makeTaskSet({ task: p.task, V: p.V, promptLength: p.promptLength, N: p.N, heldOutPrompts: p.heldOutPrompts, eos: p.eos }, seed, seedIndex);
}

/**
 * What a run's threshold depends on: its seed and seed index (task set, θ0) and every parameter but
 * η (the model's shape, the task set's, the warm start's, the update's, the optimizer's). Keying on
 * all of them rather than a list of the read ones keeps a parameter added later from being missed.
 */
function thresholdKey(p: RunParams, seed: number, seedIndex: number): string {
  const rest = Object.entries(p)
    .filter(([k]) => k !== 'stepSize')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([seed, seedIndex, rest]);
}

/**
 * A run's predicted one-step threshold at θ after its warm start (NaN without a prediction),
 * memoized in `twins` over the runs that differ only in η (they share that θ).
 */
export function predictedThreshold(p: RunParams, seed: number, seedIndex: number, theta: Float32Array, set: TaskSet, twins: TwinCache): number {
  if (!hasOneStepPrediction(p)) return NaN;
  const key = thresholdKey(p, seed, seedIndex);
  let value = twins.thresholds.get(key);
  if (value === undefined) {
    value = runOneStepThreshold(twins.get(p), theta, set, p, { relativeTolerance: RUN_THRESHOLD_TOLERANCE });
    if (twins.thresholds.size >= THRESHOLD_MEMO_SIZE) twins.thresholds.clear();
    twins.thresholds.set(key, value);
  }
  return value;
}

/** Runs one transformer run: θ0, the warm start to J0, and (when it reached J0) the loop; `run` is its index in the sweep. */
export function runTransformer(p: RunParams, seed: number, seedIndex: number, run: number, twins: TwinCache): TransformerRunResult {
  const twin = twins.get(p);
  const set = runTaskSet(p, seed, seedIndex);
  const theta = initialParameters(twin.model.layout, seed, seedIndex);
  const sft = supervisedWarmStart(twin, theta, set, { J0: p.J0, sftLearningRate: p.sftLearningRate, sftMaxSteps: p.sftMaxSteps });
  if (!sft.reached) return { sft, loop: null, oneStepThreshold: NaN };
  const oneStepThreshold = predictedThreshold(p, seed, seedIndex, theta, set, twins);
  // validateSpec holds a transformer cell to the loop's advantages and aggregations (transformer-validate.ts).
  const loop = trainTransformerGrpo(twin, theta, set, { ...p, seed, run } as TransformerLoopParams);
  return { sft, loop, oneStepThreshold };
}

/**
 * Stores run `i`'s results into `arrays` (R recorded steps): J, held-out J and ‖Δθ‖ at the
 * recorded steps (NaN past a divergence and for a run that never started), finalJ, minJ and the
 * flag, the warm start's steps, J and whether it reached J0, and every series the loop recorded
 * under a RUN_OUTPUTS name (‖θ‖, ‖∇J‖, prompt shares, the PPO loop's clip share and KL, lengths).
 * A loop that did not record a series (a kernel's) leaves it as a one-step loop without EOS has
 * it: ‖θ‖, ‖∇J‖, shares and KL NaN, lengths the task's response length, clipped share 0.
 */
export function storeTransformerRun(arrays: RunArrays, i: number, R: number, result: TransformerRunResult, p: RunParams): void {
  const { sft, loop } = result;
  const at = i * R;
  arrays.sftSteps[i] = sft.steps;
  arrays.sftJ[i] = sft.J;
  arrays.sftReached[i] = sft.reached ? 1 : 0;
  arrays.oneStepThreshold[i] = result.oneStepThreshold ?? NaN;
  for (const name of ['trajectory', 'heldOutJ', 'updateNorm', ...RECORDED_SERIES] as const) arrays[name].fill(NaN, at, at + R);
  arrays.diverged[i] = loop?.diverged ? 1 : 0;
  if (!loop) {
    arrays.finalJ[i] = NaN;
    arrays.minJ[i] = NaN;
    return;
  }
  const m = taskResponseLength(p.task, p.promptLength);
  let minJ = Infinity;
  for (let r = 0; r < loop.J.length; r++) {
    arrays.trajectory[at + r] = loop.J[r];
    arrays.heldOutJ[at + r] = p.heldOutPrompts > 0 ? loop.heldOutJ[r] : NaN;
    arrays.updateNorm[at + r] = loop.deltaNorm[r];
    arrays.expectedLength[at + r] = m;
    arrays.meanLength[at + r] = m;
    // The batch trained into step r: its passing and failing responses' length, where it had any (the step-0 record has no batch).
    const reward = loop.meanReward[r];
    arrays.meanLengthPassing[at + r] = reward > 0 ? m : NaN;
    arrays.meanLengthFailing[at + r] = reward < 1 ? m : NaN;
    arrays.clippedShare[at + r] = 0;
    minJ = Math.min(minJ, loop.J[r]);
  }
  for (const name of RECORDED_SERIES) {
    const series = loop[name];
    if (series) arrays[name].set(series.subarray(0, loop.J.length), at);
  }
  arrays.finalJ[i] = loop.diverged ? NaN : loop.J[loop.J.length - 1];
  arrays.minJ[i] = minJ;
}
