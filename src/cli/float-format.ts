/**
 * Text forms of the engine's f32 values that read back to the same bits: the shortest decimal
 * that rounds to the same f32 (at most 9 significant digits), and names for non-finite values
 * (JSON has no NaN). Results files are compared byte for byte, so these must be deterministic.
 *
 * @example
 *   f32Text(Math.fround(0.1)); // "0.1", not "0.10000000149011612"
 */

/** Shortest decimal that rounds back to the f32 `x`; "NaN", "Infinity", "-Infinity" otherwise. */
export function f32Text(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

/** JSON value of an f32: a number, or "NaN" / "Infinity" / "-Infinity" as a string. */
export function f32Json(x: number): number | string {
  return Number.isFinite(x) ? Number(f32Text(x)) : String(x);
}

/** Inverse of f32Json. */
export function f32FromJson(v: number | string | null): number {
  if (typeof v === 'number') return Math.fround(v);
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return NaN;
}
