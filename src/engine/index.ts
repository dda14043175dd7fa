// The engine's public API: spec in, results table out (SPEC 2.2).
// The spec and the RNG live a floor below (src/spec, src/rng); the engine's API passes them on.
export * from '../spec/index.ts';
export * from './results.ts';
export {
  RUN_OUTPUTS,
  RUN_OUTPUT_NAMES,
  PER_RUN_OUTPUTS,
  outputApplies,
  runOutputNamesOf,
  allocateRunArrays,
  copyRunArrays,
  outputLength,
  type RunArrays,
  type RunChunk,
  type RunOutputName,
  type RunOutputs,
  type PerRunOutputName,
  type RunOutputSpec,
} from './run-outputs.ts';
export { ResultsBuilder, type SweepEnding, type BuilderOptions } from './results-builder.ts';
export { runSweep, chooseBackend, type SweepOptions, type BackendChoice } from './run-sweep.ts';
export {
  memoryDecisionStore,
  localStorageDecisionStore,
  parseChoice,
  ratesText,
  formatRate,
  type AutoOptions,
  type DecisionStore,
  type MeasuredChoice,
} from './backend-choice.ts';
export { acquireGpu, WebGpuUnavailableError, type GpuContext } from './device.ts';
export { simulateChunkCpu } from './cpu-chunk.ts';
export { replayRun, type ReplayedRun } from './replay.ts';
export { cellStatsCpu, bandOf, nearestRank, cellBandInto, SERIES_BANDS, BANDED_OUTPUTS, type Band, type BandField, type BandedOutput } from './stats.ts';
export { Sha256 } from './sha256.ts';
export { expectedAdvantageFactor } from './expected-advantage.ts';
export { philoxWord0, uniformFromBits } from '../rng/index.ts';
export { trainTransformerGrpo, type TransformerLoopParams, type TransformerLoopResult } from './transformer-grpo.ts';
export { supervisedWarmStart, type SftOptions, type SftResult } from './transformer-sft.ts';
export {
  runOneStepThreshold,
  transformerUpdateParams,
  plainSgdStep,
  hasOneStepPrediction,
  RUN_THRESHOLD_TOLERANCE,
  type TransformerRunUpdate,
  type OptimizerFields,
} from './transformer-threshold.ts';
