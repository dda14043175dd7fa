// The policies of SPEC 1.2: instances (features, rewards, θ0) and the exact policy table and success rate.
export * from './instance.ts';
export * from './policy.ts';
// The one-step threshold's line search (SPEC 1.4), shared by every policy family.
export * from './rise-search.ts';
// A neural policy (SPEC 1.10): the transformer twin, its layout, initialization and tasks.
export * from './transformer/index.ts';
