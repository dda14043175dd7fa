/**
 * The shapes of a field check: a function from a value to the message that says what is allowed,
 * or null when the value is fine. Shared by the spec's field tables (validate.ts, ppo-validate.ts).
 */
export type Check = (v: unknown) => string | null;

export function intIn(lo: number, hi: number): Check {
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? null : `must be an integer in [${lo}, ${hi}]`);
}
export function oneOf(list: readonly string[]): Check {
  return (v) => (typeof v === 'string' && list.includes(v) ? null : `must be one of ${list.join(', ')}`);
}
export function realIn(lo: number, hi: number, open: 'open' | 'closed' | 'left-open' | 'right-open'): Check {
  const text = open === 'open' ? `(${lo}, ${hi})` : open === 'left-open' ? `(${lo}, ${hi}]` : open === 'right-open' ? `[${lo}, ${hi})` : `[${lo}, ${hi}]`;
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number in ${text}`;
    const okLo = open === 'closed' || open === 'right-open' ? v >= lo : v > lo;
    const okHi = open === 'open' || open === 'right-open' ? v < hi : v <= hi;
    return okLo && okHi ? null : `must be a number in ${text}`;
  };
}
