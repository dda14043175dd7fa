/**
 * The config a trainer prints at start (`pprint(dict)` or `print(dict)`), read tolerantly: a dump
 * in a real log may miss a brace, carry a stray line from another process, or be cut off. Keys
 * are followed by nesting, and at the start of each pprint-ed line re-synchronised by indentation
 * (pprint puts a key one column right of its dict's `{`), so one broken line costs at most that
 * line. One pass over the lines, each scanned once: linear however many dumps a log holds.
 */
import type { StreamLine } from './ray-console.ts';

/** How many lines a dump may span; and how many stray lines in a row end it. */
const MAX_DUMP_LINES = 5000;
const MAX_STRAY_LINES = 20;
/** Deepest nesting a dump may have (a verl config nests five or six levels). */
const MAX_DUMP_DEPTH = 32;

export interface ConfigDump {
  settings: Record<string, string | number | boolean>; // flattened, dotted keys
  line: number; // file line where it starts
  strayLines: number; // lines inside it that were not part of it (skipped)
}

/** A scalar as Python prints it. */
function scalar(word: string): string | number | boolean | undefined {
  if (word === 'True') return true;
  if (word === 'False') return false;
  if (word === 'None') return undefined;
  if (/^[-+]?nan$/i.test(word)) return NaN;
  if (/^[-+]?inf$/i.test(word)) return word.startsWith('-') ? -Infinity : Infinity;
  const n = Number(word.replace(/_/g, ''));
  return Number.isNaN(n) || word === '' ? word : n;
}

const isSpace = (c: number) => c === 32 || c === 9;

/**
 * Every dump in one process's lines (a line starting `{'` opens one), in order. `work` counts the
 * characters examined, for a test that proves the scan linear without a clock.
 *
 * @example
 *   readConfigDumps([{ text: "{'actor': {'optim': {'lr': 1e-06}}}", line: 1 }])[0].settings; // { 'actor.optim.lr': 1e-6 }
 */
export function readConfigDumps(lines: readonly StreamLine[], work = { chars: 0 }): ConfigDump[] {
  const dumps: ConfigDump[] = [];
  let l = 0;
  while (l < lines.length) {
    const t = lines[l].text;
    const lead = t.length - t.trimStart().length;
    work.chars += Math.min(t.length, lead + 2);
    if (!t.startsWith("{'", lead) && !t.startsWith('{"', lead)) {
      l++;
      continue;
    }
    const dump = scanDump(lines, l, work);
    dumps.push(dump.dump);
    l = dump.next;
  }
  return dumps;
}

/** Scans one dump from lines[start]; returns it and the index of the first line after it. */
function scanDump(lines: readonly StreamLine[], start: number, work: { chars: number }): { dump: ConfigDump; next: number } {
  const settings: Record<string, string | number | boolean> = {};
  const frames: { col: number; path: string }[] = []; // open dicts: the column of their '{', their dotted path
  let key: string | undefined; // a key whose value comes next
  let list = { depth: 0, col: -1 }; // inside a list or tuple (values not kept)
  let strayLines = 0;
  let stray = 0;
  let l = start;
  const limit = Math.min(lines.length, start + MAX_DUMP_LINES);
  const put = (value: string | number | boolean | undefined) => {
    if (key !== undefined && value !== undefined) settings[frames.length > 0 ? `${frames[frames.length - 1].path}${key}` : key] = value;
    key = undefined;
  };
  for (; l < limit && (l === start || frames.length > 0); l++) {
    const t = lines[l].text;
    const n = t.length;
    let i = 0;
    while (i < n && isSpace(t.charCodeAt(i))) i++;
    const c0 = t.charCodeAt(i);
    // A line of the dump is indented (pprint) or opens it; anything else is a stray line from elsewhere.
    if (l > start && (i === 0 || i === n) && c0 !== 123 && c0 !== 125) {
      work.chars += Math.min(n, 1);
      strayLines++;
      if (++stray >= MAX_STRAY_LINES) break;
      continue;
    }
    // A '{' starting a line at the root's column or left of it opens the next dump: this one broke off.
    if (l > start && c0 === 123 && frames.length > 0 && i <= frames[0].col) break;
    stray = 0;
    let firstToken = true;
    while (i < n) {
      work.chars++;
      const c = t.charCodeAt(i);
      if (isSpace(c) || c === 44 /* , */) {
        i++;
        continue;
      }
      const col = i;
      if (c === 39 || c === 34 || ((c === 114 || c === 98 || c === 117) && (t.charCodeAt(i + 1) === 39 || t.charCodeAt(i + 1) === 34))) {
        if (c !== 39 && c !== 34) i++;
        const quote = t.charCodeAt(i++);
        let out = '';
        let from = i;
        while (i < n && t.charCodeAt(i) !== quote) {
          if (t.charCodeAt(i) === 92 /* \ */) {
            out += t.slice(from, i);
            out += t[i + 1] ?? '';
            i += 2;
            from = i;
          } else i++;
        }
        work.chars += i - col;
        out += t.slice(from, Math.min(i, n));
        i++; // the closing quote (or past the end of a broken line)
        let j = i;
        while (j < n && isSpace(t.charCodeAt(j))) j++;
        if (t.charCodeAt(j) === 58 /* : */ && (list.depth === 0 || (firstToken && col <= list.col))) {
          // A key. At the start of a line its column says which dict it belongs to: close the deeper ones.
          if (firstToken) {
            list = { depth: 0, col: -1 };
            while (frames.length > 1 && frames[frames.length - 1].col >= col) frames.pop();
          }
          key = out;
          i = j + 1;
        } else if (list.depth === 0) put(out);
        firstToken = false;
        continue;
      }
      firstToken = false;
      i++;
      if (list.depth > 0) {
        if (c === 91 || c === 40 || c === 123) list.depth++;
        else if (c === 93 || c === 41 || c === 125) list.depth--;
        continue;
      }
      if (c === 123 /* { */) {
        if (frames.length >= MAX_DUMP_DEPTH) break;
        const parent = frames.length > 0 ? frames[frames.length - 1].path : '';
        frames.push({ col, path: key === undefined ? parent : `${parent}${key}.` });
        key = undefined;
      } else if (c === 125 /* } */) {
        frames.pop();
        if (frames.length === 0) break;
      } else if (c === 91 /* [ */ || c === 40 /* ( */) {
        list = { depth: 1, col };
        key = undefined;
      } else if (c !== 58 && c !== 93 && c !== 41) {
        const from = col;
        while (i < n && !/[\s,:{}[\]()]/.test(t[i])) i++;
        work.chars += i - from;
        put(scalar(t.slice(from, i)));
      }
    }
  }
  return { dump: { settings, line: lines[start].line, strayLines }, next: Math.max(l, start + 1) };
}
