/**
 * Where a JSON text first goes wrong. JSON.parse's messages differ between engines (V8 in Node
 * 20 gives no position for most errors), so a cell's error line comes from this small scanner.
 *
 * @example
 *   jsonErrorAt('{"a" 1}'); // { offset: 5, expected: "':' after a key" }
 */
export interface JsonErrorAt {
  offset: number; // character offset of the first bad character (text length at an early end)
  expected: string; // what the grammar wanted there
}

/** The first syntax error of `text`, or null when it is valid JSON. */
export function jsonErrorAt(text: string): JsonErrorAt | null {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected } satisfies JsonErrorAt;
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`the literal ${word}`);
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail('an escape such as \\n or \\"');
      } else if (text.charCodeAt(i) < 0x20) fail('a closing quote (strings cannot span lines)');
      else i++;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('a number');
    i += m![0].length;
  };
  const key = () => {
    space();
    if (text[i] !== '"') fail('a "quoted" key');
    string();
    space();
    if (text[i] !== ':') fail("':' after a key");
    i++;
  };
  /** One value, nested containers included: a loop over an explicit stack, so any depth is safe. */
  const value = (): void => {
    const open: string[] = []; // '{' or '[' of each container still open
    for (;;) {
      space();
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        space();
        if (text[i] !== (c === '{' ? '}' : ']')) {
          open.push(c);
          if (c === '{') key();
          continue; // its first value
        }
        i++; // an empty container is a whole value
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
      else fail('a value');
      // A value is complete: close containers until one wants another value.
      for (;;) {
        if (open.length === 0) return;
        space();
        const top = open[open.length - 1];
        if (text[i] === ',') {
          i++;
          if (top === '{') key();
          break;
        }
        if (text[i] === (top === '{' ? '}' : ']')) {
          i++;
          open.pop();
          continue;
        }
        fail(top === '{' ? "',' or '}' after a value" : "',' or ']' after a value");
      }
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail('the end of the text');
    return null;
  } catch (error) {
    if (error && typeof error === 'object' && 'offset' in error) return error as JsonErrorAt;
    throw error;
  }
}
