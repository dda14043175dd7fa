// The engine's public API: spec in, results table out (SPEC 2.2).
export * from './spec.ts';
export * from './results.ts';
export { validateSpec, parseSpec, SpecError, LIMITS, type SpecIssue } from './validate.ts';
export { runSweep, chooseBackend, collapseThreshold, type SweepOptions, type BackendChoice } from './run-sweep.ts';
export { acquireGpu, WebGpuUnavailableError, type GpuContext } from './device.ts';
export { specHash, canonicalJson } from './spec-hash.ts';
export { simulateChunkCpu } from './cpu-chunk.ts';
