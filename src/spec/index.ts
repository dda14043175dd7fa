// The sweep spec (SPEC 2.2): run parameters, grids, defaults, validation and the spec hash. The
// lowest floor of the house with the RNG: the model and the engine both build on it.
export * from './spec.ts';
export * from './validate.ts';
export { specHash, canonicalJson, sha256Hex } from './spec-hash.ts';
export * from './transformer-fields.ts';
export { TRANSFORMER_GRID_KEYS, TRANSFORMER_LOOP_ADVANTAGES, TRANSFORMER_LOOP_AGGREGATIONS } from './transformer-validate.ts';
