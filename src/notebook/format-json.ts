/**
 * JSON for cell sources: two-space indentation, but arrays and objects that fit on one line stay
 * on one line, so a grid of step sizes reads as a list rather than a column. Used for form edits
 * and for restoring cells from a URL; the built-in notebooks are written in the same style.
 *
 * @example
 *   formatJson({ grid: { stepSize: [1, 3, 10] }, seeds: 32 });
 *   // {\n  "grid": {"stepSize": [1, 3, 10]},\n  "seeds": 32\n}
 */
const INLINE_WIDTH = 72;

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function formatJson(value: unknown, indent = ''): string {
  const flat = inline(value);
  if (indent.length + flat.length <= INLINE_WIDTH || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
