/**
 * Python literals as `print(dict)` and `pprint` write them: dicts, lists, tuples, quoted strings
 * (adjacent strings concatenate, as pprint splits long ones), numbers, True/False/None, nan/inf.
 * Enough to read a config dump from a log; not a Python parser.
 */

export type PythonValue = null | boolean | number | string | PythonValue[] | { [key: string]: PythonValue };

/**
 * Parses the literal starting at `text[start]`; returns it and the offset just past it. Throws
 * an Error naming the offset when the text is not a literal.
 *
 * @example
 *   parsePythonLiteral("{'optim': {'lr': 1e-06, 'warmup_style': 'constant'}}").value; // { optim: { lr: 1e-6, … } }
 */
export function parsePythonLiteral(text: string, start = 0): { value: PythonValue; end: number } {
  let i = start;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}`);
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const string = (): string => {
    while (/[rRbBuU]/.test(text[i])) i++;
    const quote = text[i];
    const triple = text.startsWith(quote.repeat(3), i);
    const close = triple ? quote.repeat(3) : quote;
    i += close.length;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      if (text.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      if (text[i] === '\\') {
        const c = text[i + 1];
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
        i += 2;
      } else out += text[i++];
    }
  };
  const isStringStart = () => /^[rRbBuU]{0,2}['"]/.test(text.slice(i, i + 3));
  const items = (closer: string): PythonValue[] => {
    const out: PythonValue[] = [];
    for (;;) {
      space();
      if (text[i] === closer) {
        i++;
        return out;
      }
      out.push(value());
      space();
      if (text[i] === ',') i++;
      else if (text[i] !== closer) fail(`expected ',' or '${closer}'`);
    }
  };
  const value = (): PythonValue => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: { [key: string]: PythonValue } = {};
      for (;;) {
        space();
        if (text[i] === '}') {
          i++;
          return out;
        }
        const key = value();
        space();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        out[String(key)] = value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      return items(']');
    }
    if (c === '(') {
      i++;
      const out = items(')');
      return out.length === 1 && typeof out[0] === 'string' ? out[0] : out; // ('a' 'b') is a string, not a tuple
    }
    if (c !== undefined && isStringStart()) {
      let out = string();
      for (;;) {
        const save = i;
        space();
        if (!isStringStart()) {
          i = save;
          return out;
        }
        out += string();
      }
    }
    const word = /^[-+]?(?:(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])|[\w.]+)/.exec(text.slice(i, i + 64));
    if (!word) return fail('expected a value');
    i += word[0].length;
    const w = word[0];
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    if (/^[-+]?nan$/i.test(w)) return NaN;
    if (/^[-+]?inf$/i.test(w)) return w.startsWith('-') ? -Infinity : Infinity;
    const n = Number(w.replace(/_/g, ''));
    return Number.isNaN(n) ? w : n;
  };
  const result = value();
  return { value: result, end: i };
}
