/**
 * JSON as Python writes it: `json.dump` emits bare NaN and Infinity, which JSON.parse refuses.
 * They are rewritten (outside strings) to null, which readers keep as a NaN gap, and to ±1e999,
 * which parses to ±Infinity. Also: the line of a parse error, and of a path inside a document,
 * so errors can name a line.
 */

const PYTHON_NUMBERS = /"(?:[^"\\]|\\.)*"|(-?)\b(NaN|Infinity)\b/g;

/** JSON.parse that accepts Python's NaN / Infinity / -Infinity. Throws SyntaxError like JSON.parse. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  return JSON.parse(
    text.replace(PYTHON_NUMBERS, (match, sign: string | undefined, word: string | undefined) =>
      word === undefined ? match : word === 'NaN' ? 'null' : `${sign}1e999`,
    ),
  );
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The line a JSON.parse SyntaxError points at, when its message says (V8 gives a position or a line). */
export function lineOfSyntaxError(text: string, error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const byLine = /line (\d+) column/.exec(message);
  if (byLine) return Number(byLine[1]);
  const byPosition = /position (\d+)/.exec(message);
  return byPosition ? lineAt(text, Number(byPosition[1])) : undefined;
}

/**
 * Line of the value at `path` (object keys and array indices) in a JSON document, or undefined.
 * A small string-aware scanner, run only when reporting an error.
 */
export function lineOfJsonPath(text: string, path: readonly (string | number)[]): number | undefined {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = () => {
    skipSpace();
    if (text[i] === '"') return skipString();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        if (text[i] === '"') {
          skipString();
          continue;
        }
        if (text[i] === '{' || text[i] === '[') depth++;
        else if (text[i] === '}' || text[i] === ']') depth--;
        i++;
      } while (depth > 0 && i < text.length);
      return;
    }
    while (i < text.length && !/[,\]}\s]/.test(text[i])) i++;
  };
  for (const key of path) {
    skipSpace();
    const open = text[i];
    i++;
    if (typeof key === 'number') {
      if (open !== '[') return undefined;
      for (let n = 0; n < key; n++) {
        skipValue();
        skipSpace();
        if (text[i] !== ',') return undefined;
        i++;
      }
    } else {
      if (open !== '{') return undefined;
      for (;;) {
        skipSpace();
        if (text[i] !== '"') return undefined;
        const start = i;
        skipString();
        const name = JSON.parse(text.slice(start, i)) as string;
        skipSpace();
        i++; // colon
        if (name === key) break;
        skipValue();
        skipSpace();
        if (text[i] !== ',') return undefined;
        i++;
      }
    }
  }
  skipSpace();
  return i < text.length ? lineAt(text, i) : undefined;
}
