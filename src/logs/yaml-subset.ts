/**
 * The part of YAML that training configs use (Hydra, TRL, verl `config.yaml`): nested mappings by
 * indentation, scalars (numbers, true/false, null, quoted and plain strings), comments, and
 * `key: [a, b]` / `- item` lists (kept as text: no setting is read from them). Anchors, tags,
 * multi-line strings and flow mappings are refused with the line, not guessed. No dependency: a
 * config file needs only this, and a full YAML parser would be the largest thing the page loads.
 */

export type YamlScalar = string | number | boolean | null;

export class YamlSubsetError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** Deepest nesting read (configs nest a handful of levels). */
const MAX_DEPTH = 64;

function scalar(raw: string, line: number): YamlScalar {
  const t = raw.trim();
  if (t === '' || t === '~' || t === 'null' || t === 'Null' || t === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (t.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(t)) throw new YamlSubsetError(line, 'an unterminated "quoted" string');
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(t)) throw new YamlSubsetError(line, "an unterminated 'quoted' string");
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[&*!|>{]/.test(t)) throw new YamlSubsetError(line, 'anchors, aliases, tags, block strings and flow mappings are not read: write the value plainly');
  if (/^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(t)) return NaN;
  return t;
}

/** Cuts a ` #` comment off a line, outside quotes. */
function uncomment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) return text.slice(0, i);
  }
  return text;
}

/**
 * Reads the YAML subset into flattened, dotted keys (`actor.optim.lr`), scalars only. Throws a
 * YamlSubsetError naming the line on what it does not read.
 *
 * @example
 *   readYamlSettings('optim:\n  lr: 1e-6  # peak\n  warmup: 10\n'); // { 'optim.lr': 1e-6, 'optim.warmup': 10 }
 */
export function readYamlSettings(text: string): Record<string, YamlScalar> {
  const out: Record<string, YamlScalar> = {};
  const stack: { indent: number; path: string }[] = [{ indent: -1, path: '' }];
  const lines = text.split(/\r?\n/);
  let inList = -1; // indentation of the key whose `- item` list is being skipped
  for (let l = 0; l < lines.length; l++) {
    const lineNo = l + 1;
    const body = uncomment(lines[l]).replace(/\s+$/, '');
    if (body.trim() === '' || body === '---' || body === '...') continue;
    if (body.includes('\t') && /^\s*\t/.test(body)) throw new YamlSubsetError(lineNo, 'a tab in the indentation (YAML indents with spaces)');
    const indent = body.length - body.trimStart().length;
    const t = body.trim();
    if (t.startsWith('- ') || t === '-') {
      if (inList < 0 || indent < inList) throw new YamlSubsetError(lineNo, 'a list item outside a key: only mappings are read at the top');
      continue; // items of a list: not settings
    }
    inList = -1;
    const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#'"][^:]*?)\s*:(?:\s+(.*))?$/.exec(t);
    if (!m) throw new YamlSubsetError(lineNo, 'expected "key: value"');
    const key = m[1].startsWith('"') || m[1].startsWith("'") ? String(scalar(m[1], lineNo)) : m[1];
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const path = `${stack[stack.length - 1].path}${key}`;
    const rest = m[2]?.trim() ?? '';
    if (rest === '') {
      // A nested mapping, or a `- item` list, follows (or nothing: null).
      let k = l + 1;
      while (k < lines.length && uncomment(lines[k]).trim() === '') k++;
      if (k < lines.length && lines[k].trimStart().startsWith('-')) inList = indent;
      else {
        if (stack.length > MAX_DEPTH) throw new YamlSubsetError(lineNo, `nested deeper than ${MAX_DEPTH} levels`);
        stack.push({ indent, path: `${path}.` });
      }
      continue;
    }
    if (rest.startsWith('[')) {
      if (!rest.endsWith(']')) throw new YamlSubsetError(lineNo, 'a [list] must close on its line');
      continue;
    }
    out[path] = scalar(rest, lineNo);
  }
  return out;
}
