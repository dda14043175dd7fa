/**
 * Prose bound to results: a Markdown cell's `{{…}}` references (syntax: src/notebook/references.ts)
 * evaluated against the page's current results — the same thresholds (thresholdsOf) and theory
 * curves the plots draw — and written into the rendered HTML, each marked fresh, stale (its
 * sweep's results are of an earlier spec, or a run is under way), pending, or an error that says
 * what is wrong with the reference.
 *
 * @example
 *   element.innerHTML = renderProse('η* = {{sweep.critical}}', context);
 */
import { findReferences, REFERENCE_CELL_STATS, REFERENCE_CRITICAL_PARTS, REFERENCE_SERIES, type CheckedCell, type ProseReference } from '../notebook/index.ts';
import { formatNumber } from '../plots/index.ts';
import { seriesBandAt, summaryCells } from '../results/index.ts';
import { markdownToHtml } from './markdown.ts';
import { sanitizeHtml } from './sanitize.ts';
import type { SweepState } from './session.ts';
import { thresholdsOf, type TheoryResult } from './theory-memo.ts';

/** What a reference can read: cells, sweep states, theory curves. */
export interface ReferenceContext {
  cell(id: string): CheckedCell | undefined;
  sweep(id: string): SweepState | undefined;
  theory(id: string): TheoryResult | undefined;
}

export interface ReferenceValue {
  state: 'fresh' | 'stale' | 'pending' | 'error';
  text: string; // the value, or the error
  title?: string; // hover text: what the value is, why it is stale
}

const same = (written: string, value: number | string | undefined) =>
  value !== undefined && (String(value) === written || (typeof value === 'number' && Number(written) === value && written.trim() !== ''));

const show = (v: number | string | undefined) => (typeof v === 'number' ? formatNumber(v) : String(v));

/** "L = 2, 8, 32": the values a selector key could take. */
const choices = (key: string, values: (number | string | undefined)[]) => `${key} = ${[...new Set(values.map(show))].join(', ')}`;

function sweepValue(ref: ProseReference, state: SweepState | undefined): ReferenceValue {
  const summary = state?.summary;
  if (!summary || !summary.cellStats.length) return { state: 'pending', text: '…', title: `waiting for results of #${ref.target}` };
  const stale = state.stale || state.status === 'running' || state.status === 'waiting';
  const staleTitle = stale ? `stale: ${state.staleReason ?? 'the sweep is re-running'}` : undefined;
  const value = (text: string, what: string): ReferenceValue => ({ state: stale ? 'stale' : 'fresh', text, title: staleTitle ?? what });
  const { rule = 'mean-below-J0', x = 'stepSize', ...criticalWhere } = ref.where;
  const where = ref.field === 'critical' ? criticalWhere : { ...criticalWhere, ...('x' in ref.where ? { x } : {}) };
  if (ref.field === 'critical') {
    if (rule !== 'mean-below-J0' && rule !== 'collapse-half') return error(`rule=${rule}: must be mean-below-J0 or collapse-half`);
    if (x !== 'stepSize' && x !== 'effectiveStepSize') return error(`x=${x}: must be stepSize or effectiveStepSize (the axis the plots call x)`);
    if (ref.part !== undefined && !(REFERENCE_CRITICAL_PARTS as readonly string[]).includes(ref.part))
      return error(`critical.${ref.part}: after critical comes ${REFERENCE_CRITICAL_PARTS.join(', ')}, or nothing`);
    const thresholds = thresholdsOf(summary);
    if (!thresholds.rows.length) return error(`#${ref.target} has no critical step size: ${thresholds.reason ?? 'no series'}`);
    for (const key of Object.keys(where))
      if (!thresholds.rows.some((r) => key in r.values))
        return error(`${key}: #${ref.target}'s series differ in ${Object.keys(thresholds.rows[0].values).join(', ') || 'nothing'}`);
    const rows = thresholds.rows.filter((r) => Object.entries(where).every(([k, v]) => same(v, r.values[k as keyof typeof r.values])));
    if (rows.length !== 1) {
      const keys = Object.keys(thresholds.rows[0].values).filter((k) => !(k in where));
      return error(
        rows.length
          ? `#${ref.target} has ${rows.length} series here; pick one with [${keys
              .map((k) =>
                choices(
                  k,
                  rows.map((r) => r.values[k as keyof typeof r.values]),
                ),
              )
              .join('; ')}]`
          : `no series of #${ref.target} has ${Object.entries(where)
              .map(([k, v]) => `${k} = ${v}`)
              .join(', ')}`,
      );
    }
    const row = rows[0];
    // In effective step size every η of the series is scaled by one factor (the effective-step plot's x).
    const scale = x === 'effectiveStepSize' ? row.effectiveScale : 1;
    const scaled = (v: number | null) => (v === null ? null : v * scale);
    const raw = rule === 'collapse-half' ? row.collapseCrossing : row.meanCrossing;
    const crossing = { ...raw, stepSize: scaled(raw.stepSize), low: scaled(raw.low), high: scaled(raw.high) };
    const [lo, hi] = [row.stepSizes[0] * scale, row.stepSizes[row.stepSizes.length - 1] * scale];
    const what = `empirical critical ${x === 'effectiveStepSize' ? 'effective ' : ''}step size of #${ref.target}${row.series ? ` (${row.series})` : ''}, ${rule === 'collapse-half' ? 'collapse probability first ≥ ½' : 'mean final J first below J₀'}; 95% bootstrap interval over ${row.seeds} seeds`;
    if (ref.part) {
      const v = ref.part === 'value' ? crossing.stepSize : ref.part === 'low' ? crossing.low : crossing.high;
      return value(
        v === null ? (crossing.status === 'below-grid' || ref.part === 'low' ? `< ${formatNumber(lo)}` : `> ${formatNumber(hi)}`) : formatNumber(v),
        what,
      );
    }
    if (crossing.status === 'below-grid') return value(`below ${formatNumber(lo)} (already past it at the smallest η swept)`, what);
    if (crossing.status === 'above-grid' || crossing.stepSize === null) return value(`above ${formatNumber(hi)} (no crossing in the η swept)`, what);
    // An interval end beyond the grid is said in words: "47.8 to above 100", not "47.8–> 100".
    const low = crossing.low === null ? `below ${formatNumber(lo)}` : formatNumber(crossing.low);
    const high = crossing.high === null ? `above ${formatNumber(hi)}` : formatNumber(crossing.high);
    const range = crossing.low === null || crossing.high === null ? `${low} to ${high}` : `${low}–${high}`;
    return value(`${formatNumber(crossing.stepSize)} (95% CI ${range})`, what);
  }
  if (ref.field === 'cell') {
    const series = Object.hasOwn(REFERENCE_SERIES, ref.part ?? '') ? REFERENCE_SERIES[ref.part!] : undefined;
    if (!ref.part || (!series && !(REFERENCE_CELL_STATS as readonly string[]).includes(ref.part)))
      return error(
        `cell[…].${ref.part ?? ''}: name a statistic, one of ${REFERENCE_CELL_STATS.join(', ')}, or a recorded series, one of ${Object.keys(REFERENCE_SERIES).join(', ')}`,
      );
    // A recorded series is read at a recorded step: [step=…], the last one by default.
    const { step, ...gridWhere } = series ? where : { ...where, step: undefined };
    const record = step === undefined ? summary.recordSteps.length - 1 : summary.recordSteps.indexOf(Number(step));
    if (record < 0) return error(`step=${step}: #${ref.target} records steps ${summary.recordSteps.join(', ')}`);
    if (!series && 'step' in where)
      return error('step=…: only a recorded series (J, gapNorm, a length, …) is read at a recorded step; a statistic is of the final step');
    const cells = summaryCells(summary);
    const swept = Object.keys(summary.spec.grid);
    for (const key of Object.keys(gridWhere)) if (!swept.includes(key)) return error(`${key}: #${ref.target} sweeps ${swept.join(', ')}`);
    const rows = summary.cellStats.filter((s) =>
      Object.entries(gridWhere).every(([k, v]) => same(v, (cells[s.cell].params as unknown as Record<string, number | string>)[k])),
    );
    if (rows.length !== 1) {
      const free = swept.filter((k) => !(k in gridWhere) && (summary.spec.grid as Record<string, unknown[]>)[k].length > 1);
      return error(
        rows.length
          ? `matches ${rows.length} grid cells; add ${free.map((k) => `${k}=…`).join(', ')} (${free.map((k) => choices(k, (summary.spec.grid as Record<string, (number | string)[]>)[k])).join('; ')})`
          : `no grid cell of #${ref.target} has ${Object.entries(gridWhere)
              .map(([k, v]) => `${k} = ${v}`)
              .join(', ')}`,
      );
    }
    if (series) {
      const band = seriesBandAt(summary, series.output, rows[0].cell, record) as Partial<Record<'q10' | 'q50' | 'q90' | 'mean' | 'finite', number>> | undefined;
      if (!band)
        return error(
          `#${ref.target}'s results have no ${series.what} bands (${series.output.startsWith('meanLength') || series.output === 'expectedLength' ? 'a sweep without EOS, or baked before them' : series.output.endsWith('Share') ? 'a sweep of one prompt' : 'baked before them'})`,
        );
      const at = `step ${summary.recordSteps[record]}`;
      const finite = band.finite ?? summary.spec.seeds;
      if (series.quote === 'mean')
        return value(formatNumber(band.mean), `${series.what} in one grid cell of #${ref.target} at ${at} (${summary.spec.seeds} seeds)`);
      const what = `${series.what} in one grid cell of #${ref.target} at ${at}: median over the ${finite} of ${summary.spec.seeds} seeds with a value, and their 10–90% band`;
      if (!finite) return value('none (no seed had a value)', what);
      return value(`${formatNumber(band.q50)} (10–90% of seeds: ${formatNumber(band.q10)}–${formatNumber(band.q90)})`, what);
    }
    const stat = rows[0][ref.part as keyof (typeof rows)[0]];
    return value(formatNumber(stat), `${ref.part} of one grid cell of #${ref.target} (${summary.spec.seeds} seeds)`);
  }
  return error(`#${ref.target} is a sweep: name .critical or .cell[…].statistic, not .${ref.field}`);
}

function theoryValue(ref: ProseReference, result: TheoryResult | undefined): ReferenceValue {
  if (!result) return error(`#${ref.target} has no theory curves (see the cell)`);
  const curve = result.curves.find((c) => c.name === ref.field);
  if (!curve)
    return error(
      `#${ref.target} has no curve ${ref.field}; it has ${result.curves.map((c) => c.name).join(', ') || 'none'}${result.reason ? ` (${result.reason})` : ''}`,
    );
  const axis = curve.axis ?? 'y';
  for (const key of Object.keys(ref.where)) if (key !== axis) return error(`${key}: the ${ref.field} curve runs over ${axis}`);
  const points = curve.points.filter((p) => ref.where[axis] === undefined || same(ref.where[axis], p.y));
  const gaps = curve.gaps.filter((p) => ref.where[axis] !== undefined && same(ref.where[axis], p.y));
  if (!points.length && gaps.length === 1) return { state: 'fresh', text: `— (${gaps[0].reason})`, title: `${curve.label} at ${axis} = ${show(gaps[0].y)}` };
  if (points.length !== 1)
    return error(
      points.length
        ? `the curve has ${points.length} points; pick one with [${choices(
            axis,
            points.map((p) => p.y),
          )}]`
        : `no point at ${axis} = ${ref.where[axis]}`,
    );
  return { state: 'fresh', text: formatNumber(points[0].stepSize), title: `${curve.label} at ${axis} = ${show(points[0].y)}: η` };
}

const error = (text: string): ReferenceValue => ({ state: 'error', text });

/** A reference's current value, or why it has none. */
export function evaluateReference(ref: ProseReference, context: ReferenceContext): ReferenceValue {
  const cell = context.cell(ref.target);
  if (!cell) return error(`no cell #${ref.target}`);
  if (cell.kind === 'sweep') return cell.issues.length ? error(`#${ref.target} has problems (see the cell)`) : sweepValue(ref, context.sweep(ref.target));
  if (cell.kind === 'theory') return theoryValue(ref, context.theory(ref.target));
  return error(`#${ref.target} is a ${cell.kind} cell; references name a sweep or a theory cell`);
}

/** The element a reference's value is shown as, built with the DOM (never parsed from text). */
function referenceSpan(raw: string, inside: string, v: ReferenceValue): HTMLElement {
  const span = document.createElement('span');
  span.className = `ref is-${v.state}`;
  span.dataset.ref = inside;
  span.dataset.state = v.state;
  if (v.state === 'error') span.setAttribute('role', 'alert');
  if (v.title) span.title = v.title;
  span.textContent = v.state === 'error' ? `${raw}: ${v.text}` : v.text;
  if (v.state === 'stale') {
    const flag = document.createElement('span');
    flag.className = 'ref-flag';
    flag.textContent = 'stale';
    span.append(flag);
  }
  return span;
}

/**
 * Markdown with references, to safe HTML: each `{{…}}` becomes a placeholder the Markdown
 * renderer leaves alone, the HTML is sanitized, and each placeholder in text becomes a span built
 * with the DOM (one inside an attribute, a link's address say, is put back as written). Without a
 * context the references are shown as written.
 */
export function renderProse(source: string, context?: ReferenceContext): string {
  const tokens = findReferences(source);
  if (!tokens.length) return sanitizeHtml(markdownToHtml(source));
  const nonce = Math.random().toString(36).slice(2, 10);
  let text = '';
  let at = 0;
  tokens.forEach((t, i) => {
    text += `${source.slice(at, t.start)}ggref${nonce}x${i}x`;
    at = t.end;
  });
  text += source.slice(at);
  const pattern = new RegExp(`ggref${nonce}x(\\d+)x`, 'g');
  const raw = (i: string) => source.slice(tokens[Number(i)].start, tokens[Number(i)].end);
  const template = document.createElement('template');
  template.innerHTML = sanitizeHtml(markdownToHtml(text));
  for (const el of template.content.querySelectorAll('*'))
    for (const a of [...el.attributes]) if (a.value.includes(`ggref${nonce}`)) a.value = a.value.replace(pattern, (_m, i: string) => raw(i));
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  while (walker.nextNode()) if ((walker.currentNode as Text).data.includes(`ggref${nonce}`)) texts.push(walker.currentNode as Text);
  for (const node of texts) {
    const parts = node.data.split(pattern); // text, index, text, index, …, text
    const pieces = parts.map((p, k) => {
      if (k % 2 === 0) return document.createTextNode(p);
      const t = tokens[Number(p)];
      const v: ReferenceValue = t.error ? error(t.error) : context ? evaluateReference(t.ref!, context) : { state: 'pending', text: raw(p) };
      return referenceSpan(raw(p), t.raw, v);
    });
    node.replaceWith(...pieces);
  }
  return template.innerHTML;
}
