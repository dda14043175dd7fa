// A neural policy (SPEC 1.10): a tiny decoder-only transformer per run — its parameter layout and
// GPT-2 initialization, the tasks, the f32/f64 twin (forward, KV-cache forward, backward) and the
// exact success rate and gradient gap by teacher forcing.
export * from './precision.ts';
export * from './layout.ts';
export * from './init.ts';
export * from './tasks.ts';
export * from './forward.ts';
export * from './kv-cache.ts';
export * from './backward.ts';
export * from './twin.ts';
export * from './exact.ts';
export * from './expected-update.ts';
export * from './one-step-threshold.ts';
