/**
 * Philox4x32-10 (Salmon et al., SC'11), the counter-based generator of Random123, cuRAND, JAX.
 * Bit-identical twin of `shaders/philox.wgsl`; checked against Random123's kat_vectors.
 *
 * gradgap's stream layout: key = (seed, stream), counter = (run, step, sample, token).
 * No state lives anywhere: any draw can be recomputed from its coordinates.
 *
 * @example
 *   const [x0] = philox4x32([run, step, sample, token], [seed, STREAM_TRAINING]);
 *   const u = uniformFromBits(x0); // in [0, 1)
 */

// Constants as int32: V8 keeps int32 values unboxed, while u32 values ≥ 2^31 become doubles.
const M0 = 0xd2511f53 | 0;
const M1 = 0xcd9e8d57 | 0;
const W0 = 0x9e3779b9 | 0;
const W1 = 0xbb67ae85 | 0;
// M split into 16-bit halves for mulhi.
const M0_HI = 0xd251;
const M0_LO = 0x1f53;
const M1_HI = 0xcd9e;
const M1_LO = 0x8d57;

/** Key word 1 of the training-sample stream (token and prompt draws). */
export const STREAM_TRAINING = 0;
/** Key word 1 of the instance stream (features, θ*, reward tables). */
export const STREAM_INSTANCE = 1;
/** Key word 1 of a transformer run's host-side draws (initial parameters, task prompts; SPEC 1.10). */
export const STREAM_TRANSFORMER = 2;
/** `token` coordinate used for a bandit group's prompt draw (no real token has this index). */
export const PROMPT_DRAW = 0xffffffff;

/**
 * High 32 bits of a·m (as int32) for a u32 a and a constant m = mHi·2^16 + mLo, from 16-bit
 * partial products: each is below 2^32, so Math.imul returns it whole (as int32) and the bit
 * operators read it back exactly. Everything stays int32, which V8 keeps unboxed.
 */
function mulhi(a: number, mHi: number, mLo: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const lh = Math.imul(aLo, mHi);
  const hl = Math.imul(aHi, mLo);
  const mid = (Math.imul(aLo, mLo) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (Math.imul(aHi, mHi) + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/**
 * Runs `rounds` Philox rounds on counter (c0, c1, c2, c3) and key (k0, k1), all int32; returns the
 * block's first word (int32) and writes the other three into `rest` when given (the hot path
 * wants only the first, and allocates nothing).
 */
function block(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, rounds: number, rest: Int32Array | null): number {
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) | 0;
      k1 = (k1 + W1) | 0;
    }
    const hi0 = mulhi(c0, M0_HI, M0_LO);
    const lo0 = Math.imul(c0, M0);
    const hi1 = mulhi(c2, M1_HI, M1_LO);
    const lo1 = Math.imul(c2, M1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  if (rest) {
    rest[0] = c1;
    rest[1] = c2;
    rest[2] = c3;
  }
  return c0;
}

const REST = new Int32Array(3);

/** One Philox4x32 block with `rounds` rounds (10 is the standard). Returns four u32 words. */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number], rounds = 10): [number, number, number, number] {
  const c0 = block(counter[0] | 0, counter[1] | 0, counter[2] | 0, counter[3] | 0, key[0] | 0, key[1] | 0, rounds, REST);
  return [c0 >>> 0, REST[0] >>> 0, REST[1] >>> 0, REST[2] >>> 0];
}

/** First word of the block only: the hot path of token sampling (no array allocation). */
export function philoxWord0(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): number {
  return block(c0 | 0, c1 | 0, c2 | 0, c3 | 0, k0 | 0, k1 | 0, 10, null) >>> 0;
}

/**
 * u32 → f32 in [0, 1) keeping 24 bits. Dividing by 2^32 instead could round up to exactly 1.0.
 * The result is exactly representable in f32, so the WGSL twin gives the same value.
 */
export function uniformFromBits(x: number): number {
  return (x >>> 8) * 5.960464477539063e-8; // 2^-24
}

/** A float64 standard normal from two u32 words (Box–Muller); host-side instance generation only. */
export function normalFromBits(x: number, y: number): number {
  const u1 = ((x >>> 0) + 1) / 4294967297; // (0, 1): never log(0)
  const u2 = (y >>> 0) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
