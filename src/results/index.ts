// The results table between the engine and the plots: summaries, baked files, Reproduce, export.
export * from './summary.ts';
export * from './baked.ts';
export * from './compare.ts';
export * from './export.ts';
export * from './provenance.ts';
export { toBase64, fromBase64 } from './base64.ts';
export * from './csv.ts';
