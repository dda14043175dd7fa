// The theory's public API: exact gradient gap, step-size thresholds and curves (SPEC 1.1, 1.4). Pure float64, no UI, no GPU.
export { TheoryInputError, THEORY_LIMITS } from './theory-input.ts';
export { exactSuccessRate, successAt, policyTables, type SuccessRate, type PolicyTables } from './success-rate.ts';
export { gradientGap, promptGaps, type GradientGap } from './gradient-gap.ts';
export { expectedLength, aliveMarginals } from './eos-chain.ts';
export { expectedUpdate, alignment, updateDirection, type UpdateParams } from './expected-update.ts';
export { scoreBounds, theorem1StepSize, successRateLowerBound, progressIncrement, type ScoreBounds } from './theorem-one.ts';
export { criticalStepSize, oneStepCriticalStepSize, type CriticalStepSize, type CriticalStatus, type SearchOptions } from './one-step-threshold.ts';
export { exactTrajectory, type TrajectoryStep, type TrajectoryParams } from './exact-trajectory.ts';
export {
  empiricalCriticalStepSize,
  type SweepFinals,
  type EmpiricalThreshold,
  type ThresholdCrossing,
  type CrossingStatus,
  type BootstrapOptions,
} from './empirical-threshold.ts';
export { theoryCurves, boundCurve, CURVE_AXES, type CurveAxis, type TheoryCurveRow, type CurveOptions, type BoundCurveOptions } from './theory-curves.ts';
export {
  theoryCurvesFor,
  sgdOnlyReason,
  empiricalThresholds,
  criticalPoints,
  THEORY_CURVE_LABELS,
  PLOT_RESAMPLES,
  type TheoryCurve,
  type TheoryCurves,
  type TheoryCurvesOptions,
  type EmpiricalThresholds,
  type CriticalPoint,
  type CriticalOptions,
} from './plot-theory.ts';
export {
  transformerThresholdCurves,
  runOneStepThreshold,
  transformerUpdateParams,
  ONE_STEP_OUTPUT,
  TRANSFORMER_THRESHOLD_LABEL,
  type TransformerRunUpdate,
  type TransformerThresholdCurve,
  type TransformerThresholdPoint,
  type TransformerThresholdOptions,
} from './transformer-threshold.ts';
export { sweepTheoryCurves, TRANSFORMER_THEORY_WAITS } from './sweep-theory.ts';
