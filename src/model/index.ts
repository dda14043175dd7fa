// The policies of SPEC 1.2: instances (features, rewards, θ0) and the exact policy table and success rate.
export * from './instance.ts';
export * from './policy.ts';
// A neural policy (SPEC 1.10): the transformer twin, its layout, initialization and tasks.
export * from './transformer/index.ts';
