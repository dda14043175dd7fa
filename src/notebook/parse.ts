/**
 * A small hand-written reader for notebook files. It runs in Node and in the browser (no
 * DOMParser), never evaluates anything, and never gives up on the whole file: every problem
 * becomes an issue with its line, and whatever can still be read is returned. The one exception
 * is a file over MAX_NOTEBOOK_CHARS, refused whole with an issue naming the limit. Reading is
 * linear in the file's size, however broken the file (every forward search is remembered, so no
 * part of the file is scanned once per cell).
 *
 * @example
 *   const { notebook, issues, cellLines } = parseNotebook(text);
 *   for (const i of issues) console.error(`line ${i.line}: ${i.message}`);
 */
import { NOTEBOOK_VERSION, emptyNotebook, type Notebook, type NotebookCell, type NotebookIssue } from './notebook.ts';

export interface ParsedNotebook {
  notebook: Notebook;
  issues: NotebookIssue[];
  cellLines: number[]; // per cell: the 1-based line of its first source line (for errors inside it)
}

/**
 * The largest file parseNotebook reads, in characters (UTF-16 code units): 8 Mi. Notebooks are a
 * few kilobytes (results live beside them in `.results.json`); this bounds the memory a hostile
 * or mistaken file (a log, a data dump) can take before the reader says what it is.
 */
export const MAX_NOTEBOOK_CHARS = 8 * 1024 * 1024;

/** Reads a notebook file. Never throws; check `issues` (errors first by line). */
export function parseNotebook(text: string): ParsedNotebook {
  if (text.length > MAX_NOTEBOOK_CHARS) {
    const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
    return {
      notebook: emptyNotebook(),
      issues: [
        {
          line: 1,
          message: `this file is ${mib(text.length)} of text, over the ${mib(MAX_NOTEBOOK_CHARS)} limit for a notebook (notebooks are a few kilobytes); not read`,
          severity: 'error',
        },
      ],
      cellLines: [],
    };
  }
  return new Reader(text).read();
}

/** Line numbers of character offsets. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references our serializer writes, plus numeric ones. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return Object.hasOwn(ENTITIES, ref.toLowerCase()) ? ENTITIES[ref.toLowerCase()] : m; // own keys only: `&constructor;` is no entity
  });
}

/** Inverse of the serializer's indentation: drop one leading blank line, the closing-tag indent, and 4 spaces per line. */
export function dedent(raw: string): string {
  const lines = raw.split(/\r\n?|\n/);
  if (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length > 0 && lines[0].trim() === '') lines.shift();
  return lines.map((l) => l.replace(/^ {4}/, '')).join('\n');
}

/** `<\/script` in a cell stands for `</script` (the serializer's escape). */
export function unescapeScript(value: string): string {
  return value.replace(/<\\(?=\\*\/script(?:[\s>/]|$))/gi, '<');
}

type Attributes = Map<string, string>;

// A `<script` or `</notebook>` at two spaces' indent or fewer: where a cell that lost its `</script>` ends.
const NEXT_CELL = /\n {0,2}<(script|\/notebook)[\s>]/gi;
const CLOSE_TAG: Record<string, RegExp> = { script: /<\/script(?=[\s>/])/gi, title: /<\/title(?=[\s>/])/gi };

class Reader {
  private pos = 0;
  private readonly lines: LineIndex;
  private readonly issues: NotebookIssue[] = [];
  private readonly nb: Notebook = emptyNotebook();
  private readonly cellLines: number[] = [];
  private readonly ids = new Set<string>();
  private readonly renamed = new Map<string, number>(); // id → the next suffix to try for a duplicate
  private readonly found = new Map<RegExp, { from: number; at: number }>();

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1; // byte-order mark
  }

  read(): ParsedNotebook {
    this.skipPrologue();
    if (!this.text.startsWith('<notebook', this.pos) && !this.lookingAtTag('notebook')) {
      this.issue(this.pos, 'no <notebook> element: this is not a notebook file (expected `<!doctype html>` then `<notebook>`)');
      return this.result();
    }
    const open = this.readOpenTag();
    this.readNotebookAttributes(open.attributes, open.start);
    let closed = false;
    while (this.pos < this.text.length) {
      this.skipSpaceAndComments();
      if (this.pos >= this.text.length) break;
      if (this.text.startsWith('</', this.pos)) {
        const name = this.tagNameAt(this.pos + 2);
        if (name === 'notebook') {
          this.pos = this.indexAfter('>', this.pos);
          closed = true;
          break;
        }
        this.issue(this.pos, `unexpected closing tag </${name || '?'}> inside <notebook>`);
        this.pos = this.indexAfter('>', this.pos);
        continue;
      }
      if (this.text[this.pos] !== '<') {
        const next = this.text.indexOf('<', this.pos);
        this.issue(this.pos, 'stray text inside <notebook>: only <title> and <script> cells belong there', 'warning');
        this.pos = next < 0 ? this.text.length : next;
        continue;
      }
      const name = this.tagNameAt(this.pos + 1);
      if (name === 'title') this.readTitle();
      else if (name === 'script') this.readCell();
      else {
        this.issue(this.pos, `unexpected <${name || '?'}> inside <notebook>: only <title> and <script> cells belong there; skipped`);
        this.readOpenTag();
      }
    }
    if (!closed) this.issue(this.text.length, 'the file ends before </notebook>: it may be truncated');
    else {
      this.skipSpaceAndComments();
      if (this.pos < this.text.length) this.issue(this.pos, 'text after </notebook> is ignored', 'warning');
    }
    return this.result();
  }

  private result(): ParsedNotebook {
    this.issues.sort((a, b) => a.line - b.line);
    return { notebook: this.nb, issues: this.issues, cellLines: this.cellLines };
  }

  private issue(offset: number, message: string, severity: NotebookIssue['severity'] = 'error', cellId?: string): void {
    this.issues.push({ line: this.lines.line(offset), message, severity, ...(cellId !== undefined ? { cellId } : {}) });
  }

  private lookingAtTag(name: string): boolean {
    return this.text[this.pos] === '<' && this.tagNameAt(this.pos + 1) === name;
  }

  private tagNameAt(at: number): string {
    const m = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(this.text.slice(at, at + 64));
    return m ? m[0].toLowerCase() : '';
  }

  /**
   * Where the global pattern `re` next matches at or after `from` (-1: nowhere). The answer of the
   * last search is reused while it still holds (a later `from` not past the match, or no match at
   * all), so each pattern scans any stretch of the file once, not once per unclosed cell.
   * Patterns must not look behind their match.
   */
  private search(re: RegExp, from: number): number {
    const last = this.found.get(re);
    if (last && from >= last.from && (last.at < 0 || last.at >= from)) return last.at;
    re.lastIndex = from;
    const at = re.exec(this.text)?.index ?? -1;
    this.found.set(re, { from, at });
    return at;
  }

  private indexAfter(needle: string, from: number): number {
    const i = this.text.indexOf(needle, from);
    return i < 0 ? this.text.length : i + needle.length;
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
      if (!this.text.startsWith('<!--', this.pos)) return;
      const end = this.text.indexOf('-->', this.pos + 4);
      if (end < 0) {
        this.issue(this.pos, 'unclosed comment <!-- … runs to the end of the file');
        this.pos = this.text.length;
        return;
      }
      this.pos = end + 3;
    }
  }

  /** Doctype, comments and whitespace before `<notebook>`; anything else is reported and skipped. */
  private skipPrologue(): void {
    for (;;) {
      this.skipSpaceAndComments();
      if (/^<!doctype/i.test(this.text.slice(this.pos, this.pos + 9))) {
        this.pos = this.indexAfter('>', this.pos);
        continue;
      }
      if (this.pos >= this.text.length || this.lookingAtTag('notebook')) return;
      const at = this.text.indexOf('<notebook', this.pos);
      if (at < 0) return;
      this.issue(this.pos, 'unexpected content before <notebook> is ignored', 'warning');
      this.pos = at;
    }
  }

  /** Reads `<name attr=…>` at pos; leaves pos after `>`. */
  private readOpenTag(): { name: string; attributes: Attributes; start: number } {
    const start = this.pos;
    const name = this.tagNameAt(this.pos + 1);
    this.pos += 1 + name.length;
    const attributes: Attributes = new Map();
    const re = /\s*(?:([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?|(\/)|(>))/y;
    while (this.pos < this.text.length) {
      re.lastIndex = this.pos;
      const m = re.exec(this.text);
      if (!m) {
        this.issue(this.pos, `malformed <${name}> tag`);
        this.pos = this.indexAfter('>', this.pos);
        break;
      }
      this.pos = re.lastIndex;
      if (m[6]) break;
      if (m[5]) continue;
      const key = m[1].toLowerCase();
      if (attributes.has(key)) this.issue(start, `<${name}> has the attribute "${key}" twice; the first one counts`, 'warning');
      else attributes.set(key, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
    }
    if (this.pos >= this.text.length && this.text[this.pos - 1] !== '>') this.issue(start, `the <${name}> tag is never closed with >`);
    return { name, attributes, start };
  }

  private readNotebookAttributes(attributes: Attributes, start: number): void {
    this.nb.theme = attributes.get('theme') ?? 'air';
    this.nb.readOnly = attributes.has('readonly');
    const version = attributes.get('version');
    if (version !== undefined) {
      const n = Number(version);
      if (!Number.isInteger(n) || n < 1)
        this.issue(start, `version="${version}" is not a format version (expected a whole number such as ${NOTEBOOK_VERSION})`);
      else if (n > NOTEBOOK_VERSION) {
        this.issue(start, `this notebook is format version ${n}, newer than this gradgap reads (${NOTEBOOK_VERSION}); showing what can be read`);
      }
      this.nb.version = Number.isInteger(n) && n >= 1 ? n : NOTEBOOK_VERSION;
    }
  }

  /** Raw text up to `</name` (case-insensitive); `null` when it never closes. */
  private rawTextUntilClose(name: 'script' | 'title'): { content: string; end: number } | null {
    const at = this.search(CLOSE_TAG[name], this.pos);
    if (at < 0) return null;
    return { content: this.text.slice(this.pos, at), end: this.indexAfter('>', at) };
  }

  private readTitle(): void {
    const open = this.readOpenTag();
    const raw = this.rawTextUntilClose('title');
    if (!raw) {
      this.issue(open.start, '<title> is never closed with </title>');
      const stop = this.text.indexOf('<', this.pos);
      this.nb.title = decodeEntities(this.text.slice(this.pos, stop < 0 ? undefined : stop)).trim();
      this.pos = stop < 0 ? this.text.length : stop;
      return;
    }
    this.nb.title = decodeEntities(raw.content);
    this.pos = raw.end;
  }

  private readCell(): void {
    const open = this.readOpenTag();
    const contentStart = this.pos;
    let raw = this.rawTextUntilClose('script');
    const index = this.nb.cells.length;
    let id = open.attributes.get('id') ?? '';
    // Cell sources sit four spaces in; a `<script` or `</notebook>` at two spaces or fewer is the
    // next cell, so this one lost its `</script>`: recover there rather than swallow its neighbour.
    // (A match that starts before raw.end ends by it: its only `>` is its last character.)
    const nextAt = this.search(NEXT_CELL, contentStart);
    const next = nextAt >= 0 && (!raw || nextAt < raw.end);
    if (!raw || next) {
      const stop = next ? nextAt + 1 : this.text.length;
      this.issue(
        open.start,
        `cell ${id ? `"${id}"` : index + 1} is never closed with </script>; read up to line ${this.lines.line(Math.max(contentStart, stop - 1))}`,
        'error',
        id || undefined,
      );
      raw = { content: this.text.slice(contentStart, stop), end: stop };
    }
    this.pos = raw.end;
    if (!id) {
      id = `cell-${index + 1}`;
      this.issue(open.start, `a cell has no id; calling it "${id}"`, 'warning', id);
    }
    if (this.ids.has(id)) {
      let n = this.renamed.get(id) ?? 2;
      while (this.ids.has(`${id}-${n}`)) n++;
      this.renamed.set(id, n + 1);
      this.issue(open.start, `two cells have the id "${id}"; the second is renamed "${id}-${n}"`, 'error', `${id}-${n}`);
      id = `${id}-${n}`;
    }
    this.ids.add(id);
    const type = open.attributes.get('type') ?? 'module';
    const cell: NotebookCell = {
      id,
      type,
      value: unescapeScript(dedent(raw.content)),
      hidden: open.attributes.has('hidden'),
      pinned: open.attributes.has('pinned'),
    };
    this.nb.cells.push(cell);
    // dedent drops a leading blank line: the source then starts one line below the tag.
    const firstLineBlank = /^[ \t]*(\r\n?|\n)/.test(raw.content);
    this.cellLines.push(this.lines.line(contentStart) + (firstLineBlank ? 1 : 0));
  }
}
