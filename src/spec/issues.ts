/**
 * A spec's problems and how their messages are written (SPEC 2.5): the issue type, the error that
 * lists them, values quoted short, kinds of JSON values named, and unknown keys answered with the
 * nearest known one ("did you mean …"). validate.ts checks the spec with them; the notebook's
 * cell checks write their messages the same way.
 *
 * @example
 *   nearestName('seedz', SPEC_KEYS);          // 'seeds'
 *   unknownKeyIssues({ seedz: 8 }, SPEC_KEYS, ''); // [{ field: 'seedz', message: 'unknown field; did you mean seeds? (known fields: …)' }]
 */

/** One problem with a spec: where (`base.L`, `grid.stepSize[2]`, `seeds`) and what is allowed. */
export interface SpecIssue {
  field: string;
  message: string;
}

/** Thrown by `parseSpec`; `issues` holds every problem found, not only the first. */
export class SpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('\n'));
    this.name = 'SpecError';
  }
}

/** A value as a message quotes it: strings quoted (cut at 60 characters), lists and objects summarized. */
export const showValue = (v: unknown) =>
  typeof v === 'string'
    ? JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)
    : Array.isArray(v)
      ? `[${v.length} values]`
      : v !== null && typeof v === 'object'
        ? 'an object'
        : String(v);

/** The most characters of a file's own text a message quotes (SPEC 2.5: values quoted short). */
export const EXCERPT_CHARS = 60;

/**
 * A short, escaped excerpt of text read from a file, for an error message: at most `max`
 * characters (then `…`), control, line-separator and bidi characters escaped, so a message can
 * never carry a whole line of what was read (a header of /proc/self/environ is the environment).
 * Every message that quotes a file's content goes through here (or `showValue`, which does too).
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  let cut = text.length > max ? text.slice(0, max) : text;
  if (cut.length < text.length && /[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1); // never half a character
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes (or refuses)
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return cut.length < text.length ? `${escaped}…` : escaped;
}

/** Names read from a file (a CSV header's columns), each excerpted, at most `maxItems` of them: `a, b, … (40 in all)`. */
export function excerptList(items: readonly string[], maxItems = 8): string {
  const shown = items.slice(0, maxItems).map((i) => excerpt(i, 30));
  return items.length > maxItems ? `${shown.join(', ')}, … (${items.length} in all)` : shown.join(', ');
}

/** What a JSON value is, for "must be an object, got an array". */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/** A plain JSON object (not an array, not null). */
export const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A key as it appears in a field path: long or odd keys are cut short, so a message stays one readable line. */
export function keyName(key: string): string {
  const cut = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return /^[\w$]+$/.test(cut) ? cut : JSON.stringify(cut);
}

/** Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The known name nearest to a mistyped one, or null when none is close: a difference in case
 * only for one character, one edit up to five characters, two beyond. `seedz` → `seeds`,
 * `Lx` → `L`, `colour` → `color`.
 */
export function nearestName(name: string, known: readonly string[]): string | null {
  const allowed = name.length <= 1 ? 0 : name.length <= 5 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === name || Math.abs(k.length - name.length) > allowed) continue;
    const d = editDistance(name, k);
    if (d <= allowed && d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** The message for a key no table knows: the nearest known key when one is close, else the list. */
export function unknownFieldMessage(name: string, known: readonly string[], what = 'known fields'): string {
  const near = nearestName(name, known);
  return near ? `unknown field; did you mean ${near}? (${what}: ${known.join(', ')})` : `unknown field; ${what}: ${known.join(', ')}`;
}

/** One issue per key of `value` that `known` does not hold (own keys only: `__proto__`, `toString` are unknown too). */
export function unknownKeyIssues(value: Record<string, unknown>, known: readonly string[], prefix: string, what?: string): SpecIssue[] {
  const set = new Set(known);
  return Object.keys(value)
    .filter((k) => !set.has(k))
    .map((k) => ({ field: `${prefix}${keyName(k)}`, message: unknownFieldMessage(k, known, what) }));
}
