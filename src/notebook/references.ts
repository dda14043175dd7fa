/**
 * Results quoted in prose: `{{…}}` in a Markdown cell names a result, and the page writes the
 * current value in its place (marked stale with the results it comes from). Parsing only; the
 * page evaluates a reference against its results (src/ui/prose-references.ts). The syntax:
 *
 *   {{SWEEP.critical}}                       empirical critical step size η* with its 95% bootstrap
 *                                            interval, as the plots draw it: "12.3 (95% CI 10.1–14.2)"
 *   {{SWEEP.critical[L=8]}}                  the series with L = 8, when the sweep has several
 *   {{SWEEP.critical[L=8, rule=collapse-half]}}  by the collapse rule (default mean-below-J0)
 *   {{SWEEP.critical.value}}                 just η* (also .low, .high: the interval's ends)
 *   {{SWEEP.critical[x=effectiveStepSize]}}  in effective step size, as the plot with that x draws it
 *   {{SWEEP.cell[stepSize=10].meanFinalJ}}   a grid cell's statistic: meanFinalJ, q10, q25, q50,
 *                                            q75, q90, collapseProbability, collapsed, diverged,
 *                                            finite, runs; the selector names one grid cell
 *   {{SWEEP.cell[stepSize=10].meanLengthFailing}}  a recorded series (REFERENCE_SERIES: J, gapNorm,
 *                                            updateNorm, the lengths of SPEC 1.7, the prompt shares of
 *                                            SPEC 1.8): the median over seeds and its 10–90% band at the
 *                                            last recorded step, or at [step=0, …]; meanJ, meanLostShare,
 *                                            meanSolvedShare: the mean over seeds there
 *   {{THEORY.one-step[L=8]}}                 a theory cell's curve (one-step, theorem-1) at L = 8: its η
 *   \{{                                      a literal "{{"
 *   `{{…}}`, and {{…}} in a fenced code block, are shown as written, never evaluated (Markdown code)
 *
 * SWEEP and THEORY are cell ids. Selector values compare as numbers when both sides are numbers.
 *
 * @example
 *   findReferences('η* = {{sweep.critical}}')[0].ref; // { target: 'sweep', field: 'critical', where: {}, part: undefined }
 */
import { CELL_STAT_NAMES, type BandedOutput } from '../engine/index.ts';
import { LENGTH_SERIES } from '../results/index.ts';
import { THEORY_CURVES } from './cell-config.ts';

/** A parsed reference: `target.field[where].part`. */
export interface ProseReference {
  target: string; // the cell id named
  field: string; // 'critical', 'cell', or a theory curve name
  where: Record<string, string>; // selector: grid key (or `rule`) → value, as written
  part?: string; // 'value' | 'low' | 'high' after critical; the statistic after cell
}

/** One `{{…}}` in a text: where it is, and what it names or why it cannot be read. */
export interface ReferenceToken {
  start: number; // offset of `{{`
  end: number; // offset after `}}`
  raw: string; // the text between the braces, trimmed
  ref?: ProseReference;
  error?: string;
}

/** Statistics a `cell[…]` reference may name (a grid cell's row of cellStats). */
export const REFERENCE_CELL_STATS = CELL_STAT_NAMES;
/** Length series a `cell[…]` reference may name: a band over seeds at a recorded step (`step=` in the selector, default the last). */
export const REFERENCE_LENGTH_SERIES = LENGTH_SERIES;

/** How a recorded series is quoted: the median over seeds with its 10–90% band, or the mean over seeds. */
export interface ReferenceSeries {
  output: BandedOutput; // the banded per-record output it reads (SERIES_BANDS)
  quote: 'median' | 'mean';
  what: string; // said in the value's hover text
}

/**
 * Recorded series a `cell[…]` reference may name, read at a recorded step (`step=` in the
 * selector, default the last): a measured claim about J(t), ‖g‖(t), ‖Δθ‖(t), lengths or the shares
 * of prompts at some step is bound to one of these rather than typed.
 */
export const REFERENCE_SERIES: Readonly<Record<string, ReferenceSeries>> = {
  J: { output: 'trajectory', quote: 'median', what: 'success rate J' },
  meanJ: { output: 'trajectory', quote: 'mean', what: 'mean success rate J over seeds' },
  gapNorm: { output: 'gapNorm', quote: 'median', what: 'gradient-gap norm ‖g‖' },
  updateNorm: { output: 'updateNorm', quote: 'median', what: 'update norm ‖Δθ‖' },
  ...Object.fromEntries(LENGTH_SERIES.map((s) => [s, { output: s, quote: 'median', what: s } as ReferenceSeries])),
  solvedShare: { output: 'solvedShare', quote: 'median', what: 'share of prompts solved' },
  lostShare: { output: 'lostShare', quote: 'median', what: 'share of prompts lost' },
  meanSolvedShare: { output: 'solvedShare', quote: 'mean', what: 'mean share of prompts solved over seeds' },
  meanLostShare: { output: 'lostShare', quote: 'mean', what: 'mean share of prompts lost over seeds' },
  // The transformer policy (SPEC 1.10).
  heldOutJ: { output: 'heldOutJ', quote: 'median', what: 'held-out success rate J (prompts never trained on)' },
  meanHeldOutJ: { output: 'heldOutJ', quote: 'mean', what: 'mean held-out success rate J over seeds' },
};
/** Parts of a critical step size a reference may name alone. */
export const REFERENCE_CRITICAL_PARTS = ['value', 'low', 'high'] as const;

const NAME = /^[A-Za-z_][\w-]*$/;

/** Splits on `.` outside brackets. */
function segments(text: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (depth < 0) return null;
    if (ch === '.' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) return null;
  out.push(current);
  return out;
}

/** Parses the text between `{{` and `}}`. */
export function parseReference(text: string): { ref: ProseReference } | { error: string } {
  const parts = segments(text.trim());
  if (!parts) return { error: 'unbalanced [ ]' };
  if (parts.length < 2) return { error: 'expected CELL.field, e.g. sweep.critical or sweep.cell[stepSize=10].meanFinalJ' };
  const [target, fieldWithWhere, ...rest] = parts.map((p) => p.trim());
  if (!NAME.test(target)) return { error: `"${target}" is not a cell id` };
  const m = /^([\w-]+)\s*(?:\[([^\]]*)\])?$/.exec(fieldWithWhere);
  if (!m) return { error: `"${fieldWithWhere}": expected a field name, then an optional [key=value, …]` };
  const where: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter((p) => p.trim())) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (eq < 0 || !key || !value) return { error: `"${pair.trim()}": a selector is key=value, e.g. [L=8]` };
    if (key in where) return { error: `${key} is selected twice` };
    where[key] = value;
  }
  if (rest.length > 1) return { error: `"${rest.join('.')}": one part at most after the field` };
  const part = rest[0];
  if (part !== undefined && !/^[\w-]+$/.test(part)) return { error: `"${part}" is not a field name` };
  return { ref: { target, field: m[1], where, part } };
}

/**
 * The [start, end) ranges of a Markdown text that are code, where `{{` is text like any other:
 * fenced blocks (``` or ~~~, to the closing fence or the end) and inline code spans (a run of n
 * backticks to the next run of exactly n, CommonMark's rule).
 */
export function codeRanges(source: string): [number, number][] {
  const ranges: [number, number][] = [];
  const fence = /^[ \t]{0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let m: RegExpExecArray | null;
  let open: { at: number; mark: string } | null = null;
  const fenced: [number, number][] = [];
  while ((m = fence.exec(source))) {
    const mark = m[1];
    if (!open) open = { at: m.index, mark };
    else if (mark[0] === open.mark[0] && mark.length >= open.mark.length && m[0].trim() === mark) {
      fenced.push([open.at, m.index + m[0].length]);
      open = null;
    }
  }
  if (open) fenced.push([open.at, source.length]);
  const inFence = (i: number) => fenced.some(([a, b]) => i >= a && i < b);
  const ticks = /`+/g;
  let pending: { at: number; n: number } | null = null;
  while ((m = ticks.exec(source))) {
    if (inFence(m.index) || (m.index > 0 && source[m.index - 1] === '\\' && !pending)) continue;
    const n = m[0].length;
    if (!pending) pending = { at: m.index, n };
    else if (n === pending.n) {
      ranges.push([pending.at, m.index + n]);
      pending = null;
    }
  }
  return [...fenced, ...ranges].sort((a, b) => a[0] - b[0]);
}

/** Every `{{…}}` in a text, in order (`\{{` is skipped: it stands for a literal `{{`; so is one in Markdown code, codeRanges). */
export function findReferences(source: string): ReferenceToken[] {
  const tokens: ReferenceToken[] = [];
  const code = source.includes('`') || source.includes('~~~') ? codeRanges(source) : [];
  let at = 0;
  for (;;) {
    const start = source.indexOf('{{', at);
    if (start < 0) return tokens;
    if (start > 0 && source[start - 1] === '\\') {
      at = start + 2;
      continue;
    }
    const inCode = code.find(([a, b]) => start >= a && start < b);
    if (inCode) {
      at = inCode[1];
      continue;
    }
    const close = source.indexOf('}}', start + 2);
    const newline = source.indexOf('\n\n', start + 2);
    if (close < 0 || (newline >= 0 && newline < close)) {
      tokens.push({ start, end: start + 2, raw: '', error: 'unclosed {{ (a reference ends with }}; write \\{{ for literal braces)' });
      at = start + 2;
      continue;
    }
    const raw = source.slice(start + 2, close).trim();
    const parsed = parseReference(raw);
    tokens.push({ start, end: close + 2, raw, ...parsed });
    at = close + 2;
  }
}

/**
 * What can be known of a text's references before any result exists, for the page and the CLI
 * alike (checkCells): each must parse and be closed, name a sweep or theory cell that exists, and
 * a field that cell has (critical or cell[…].statistic of a sweep, a theory curve). Whether a
 * selector matches a series or a grid cell needs results: the page says so where it shows them.
 */
export function checkProseReferences(source: string, kinds: ReadonlyMap<string, string>): string[] {
  const issues: string[] = [];
  for (const t of findReferences(source)) {
    const written = t.raw ? `{{${t.raw}}}` : '{{';
    if (t.error || !t.ref) {
      issues.push(`${written}: ${t.error}`);
      continue;
    }
    const { target, field, part } = t.ref;
    const kind = kinds.get(target);
    if (!kind) issues.push(`${written}: no cell has the id "${target}"; a reference names a sweep or a theory cell`);
    else if (kind === 'sweep') {
      if (field === 'critical') {
        if (part !== undefined && !(REFERENCE_CRITICAL_PARTS as readonly string[]).includes(part))
          issues.push(`${written}: after critical comes ${REFERENCE_CRITICAL_PARTS.join(', ')}, or nothing`);
        const rule = t.ref.where.rule;
        if (rule !== undefined && rule !== 'mean-below-J0' && rule !== 'collapse-half')
          issues.push(`${written}: rule=${rule}: must be mean-below-J0 or collapse-half`);
      } else if (field === 'cell') {
        const series = Object.keys(REFERENCE_SERIES);
        if (!part || !([...REFERENCE_CELL_STATS, ...series] as readonly string[]).includes(part))
          issues.push(
            `${written}: cell[…].${part ?? ''}: name a statistic, one of ${REFERENCE_CELL_STATS.join(', ')}, or a recorded series, one of ${series.join(', ')}`,
          );
      } else issues.push(`${written}: "${target}" is a sweep: name .critical or .cell[…].statistic, not .${field}`);
    } else if (kind === 'theory') {
      if (!(THEORY_CURVES as readonly string[]).includes(field))
        issues.push(`${written}: a theory cell's curves are ${THEORY_CURVES.join(', ')}, not ${field}`);
    } else issues.push(`${written}: "${target}" is a ${kind} cell; a reference names a sweep or a theory cell`);
  }
  return issues;
}

/** The cell ids a text's references name (a text cell depends on them for staleness). */
export function referencedCells(source: string): string[] {
  return [...new Set(findReferences(source).flatMap((t) => (t.ref ? [t.ref.target] : [])))];
}
