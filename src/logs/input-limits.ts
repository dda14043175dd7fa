/**
 * Limits every reader keeps on what it reads and what it repeats: error messages quote at most
 * a short, escaped excerpt of a file (never a whole line: a log can hold secrets), and nested
 * JSON is refused past a fixed depth before anything recursive touches it.
 */

/** The longest excerpt of file content an error message quotes, in characters (before escaping). */
export const EXCERPT_CHARS = 60;
/** Deepest nesting of objects and arrays a JSON line or document may have (real logs nest a few levels). */
export const MAX_JSON_DEPTH = 100;

/**
 * A short, escaped quote of file content for an error message: at most EXCERPT_CHARS characters,
 * control and non-ASCII characters escaped, with '…' when cut.
 *
 * @example
 *   excerpt('a\u0007b'); // "'a\\u0007b'"
 */
export function excerpt(raw: string, max = EXCERPT_CHARS): string {
  const cut = raw.length > max;
  const body = (cut ? raw.slice(0, max) : raw).replace(/[\\']/g, '\\$&').replace(/[^\x20-\x7e]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return `'${body}${cut ? '…' : ''}'`;
}

/** A value read from JSON, quoted for a message: a string as itself, anything else as JSON; excerpted. */
export function quoteValue(value: unknown): string {
  return excerpt(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}

/** Names for a message: the first few, excerpted, and how many more ("a, b, c and 997 more"). */
export function someNames(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).map((n) => excerpt(n, 40));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

/**
 * The offset where JSON text first nests deeper than `limit` (strings skipped), or -1. One pass,
 * no recursion, so a 5,000-deep line is refused with a line number instead of overflowing a stack.
 */
export function jsonTooDeepAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return i;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return -1;
}
