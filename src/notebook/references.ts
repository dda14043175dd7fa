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
 *
 * SWEEP and THEORY are cell ids. Selector values compare as numbers when both sides are numbers.
 *
 * @example
 *   findReferences('η* = {{sweep.critical}}')[0].ref; // { target: 'sweep', field: 'critical', where: {}, part: undefined }
 */
import { CELL_STAT_NAMES, type BandedOutput } from '../engine/index.ts';
import { LENGTH_SERIES } from '../results/index.ts';

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

/** Every `{{…}}` in a text, in order (`\{{` is skipped: it stands for a literal `{{`). */
export function findReferences(source: string): ReferenceToken[] {
  const tokens: ReferenceToken[] = [];
  let at = 0;
  for (;;) {
    const start = source.indexOf('{{', at);
    if (start < 0) return tokens;
    if (start > 0 && source[start - 1] === '\\') {
      at = start + 2;
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

/** The cell ids a text's references name (a text cell depends on them for staleness). */
export function referencedCells(source: string): string[] {
  return [...new Set(findReferences(source).flatMap((t) => (t.ref ? [t.ref.target] : [])))];
}
