/**
 * The arithmetic a transformer twin runs in. The same code runs in f32 (every operation rounded
 * with Math.fround, as the WGSL kernel rounds it) and in float64 (no rounding), so the float64
 * version of the very same forward and backward can be checked by central finite differences.
 *
 * @example
 *   const x = F32.round(a * b); // one f32 multiply
 *   const buf = F64.array(16);  // a Float64Array for the float64 twin
 */

/** A numeric array of either precision; parameters, gradients and activations are one of these. */
export type Numbers = Float32Array | Float64Array;

export interface Precision {
  /** 'f32' rounds every operation; 'f64' leaves JavaScript's doubles alone. */
  readonly name: 'f32' | 'f64';
  /** Rounds the result of one operation to the working precision. */
  readonly round: (x: number) => number;
  /** A zeroed array of the working precision. */
  readonly array: (length: number) => Numbers;
}

const identity = (x: number) => x;

/** f32, rounded at every operation: the arithmetic of the WGSL kernel and of the CPU twin. */
export const F32: Precision = Object.freeze({ name: 'f32', round: Math.fround, array: (n: number) => new Float32Array(n) });

/** float64 without rounding: the arithmetic of the finite-difference checks. */
export const F64: Precision = Object.freeze({ name: 'f64', round: identity, array: (n: number) => new Float64Array(n) });
