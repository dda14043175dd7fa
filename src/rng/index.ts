// Philox4x32-10, the counter-based generator shared by the model (instances), the CPU twin and,
// through shaders/philox.wgsl, the kernels.
export * from './philox.ts';
