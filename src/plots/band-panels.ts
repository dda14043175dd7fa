/**
 * Median and 10–90% band per grid cell over the recorded steps, drawn either as one panel per
 * facet with every η overlaid, or as small multiples: one panel per η, sharing both axes. Ten
 * overlaid bands read as one block, and even four wide ones hide each other, so more than 3 η
 * in a panel default to small multiples.
 * Both the J(t) and the ‖g‖(t) views draw through here, so they always look alike.
 *
 * @example
 *   bandPanels(bandRows(summary, where, 'stepSize', (cell, r) => bandAt(summary, cell, r)), { colourKey: 'stepSize', y, tip });
 */
import * as Plot from '@observablehq/plot';
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { summaryCells, type SweepSummary } from '../results/index.ts';
import { formatNumber, sortedLabels, ticksFor } from './axis-labels.ts';
import { colourScale } from './colour-scale.ts';
import { facetLabel, matchesWhere, type GridWhere } from './phase-rows.ts';

/** One grid cell at one recorded step. */
export interface BandRow {
  cell: number;
  stepSize: number;
  colour: number | string; // value of the colour field
  facet: string; // swept fields other than the colour field: the overlay's panels
  rowFacet: string; // swept fields other than the colour field and η: the small multiples' rows
  step: number;
  q10: number;
  q50: number;
  q90: number;
  mean?: number; // drawn dashed when present
  finite: number; // seeds whose value entered the band
  runs: number; // seeds in the cell
}

/** A band as a view reads it from a summary; undefined or a NaN median leaves the step out. */
export type BandSource = (cell: number, record: number) => { q10: number; q50: number; q90: number; mean?: number; finite?: number } | undefined;

/** More than this many cells in one panel and the default layout is small multiples. */
export const MAX_OVERLAID = 3;
const PANEL_HEIGHT = 130;

/** Rows of the finished cells that pass `where`, one per recorded step with a band. */
export function bandRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey, source: BandSource): BandRow[] {
  const cells = summaryCells(summary);
  const rows: BandRow[] = [];
  for (const { cell: index, runs } of summary.cellStats) {
    const cell = cells[index];
    if (!matchesWhere(cell, where)) continue;
    const facet = facetLabel(cell, [colourKey]);
    const rowFacet = facetLabel(cell, [colourKey, 'stepSize']);
    const colour = cell.params[colourKey] as number | string;
    summary.recordSteps.forEach((step, r) => {
      const b = source(index, r);
      if (b && !Number.isNaN(b.q50))
        rows.push({ cell: index, stepSize: cell.params.stepSize, colour, facet, rowFacet, step, ...b, finite: b.finite ?? runs, runs });
    });
  }
  return rows;
}

/** "η = 30" (or "J0 = 0.2" when another field sets the colour): which series a tip is about. */
export function seriesText(r: BandRow, colourKey: GridKey): string {
  return `${colourKey === 'stepSize' ? 'η' : colourKey} = ${typeof r.colour === 'number' ? formatNumber(r.colour) : r.colour}`;
}

/** The layout asked for, else small multiples when some panel would overlay more than MAX_OVERLAID cells. */
export function chooseLayout(rows: readonly BandRow[], layout: TrajectoryLayout | undefined): TrajectoryLayout {
  if (layout) return layout;
  const perPanel = new Map<string, Set<number>>();
  for (const r of rows) perPanel.set(r.facet, (perPanel.get(r.facet) ?? new Set()).add(r.cell));
  return Math.max(0, ...[...perPanel.values()].map((s) => s.size)) > MAX_OVERLAID ? 'small-multiples' : 'overlay';
}

/** Columns of a wrapped grid of n panels: at most 5, rows as even as they can be (10 → 5 × 2, 7 → 4 + 3). */
export function columnsFor(n: number): number {
  return n <= 5 ? n : Math.ceil(n / Math.ceil(n / 5));
}

export interface BandPanelOptions {
  colourKey: GridKey;
  y: Plot.ScaleOptions; // the value axis: label, type, domain
  tip: (r: BandRow) => string;
  note?: (panel: BandRow[]) => string; // small multiples: a second line under the panel's η
  layout?: TrajectoryLayout;
  title?: string;
  width?: number;
  marginLeft?: number;
}

/** CSS classes of the band and median marks (tests count their paths). */
export const BAND_CLASS = 'band-range';
export const MEDIAN_CLASS = 'band-median';

export function bandPanels(rows: BandRow[], o: BandPanelOptions): HTMLElement | SVGSVGElement {
  const layout = chooseLayout(rows, o.layout);
  const color = colourScale(
    rows.map((r) => r.colour),
    o.colourKey,
  );
  const width = o.width ?? 680;
  if (layout === 'overlay') {
    const { fy, plot } = overlayFrame(rows, width, o.marginLeft);
    return Plot.plot({
      title: o.title,
      ...plot,
      y: { grid: true, ...o.y },
      color,
      marks: [...seriesMarks(rows, { fy, fillOpacity: 0.1, strokeWidth: 2.2 }), medianTip(rows, { fy }, o)],
    });
  }
  // Small multiples: one panel per (row facet, η), laid out by panelGrid.
  const grid = panelGrid(rows, width, o.marginLeft);
  const { placed, panels, panelWidth } = grid;
  // Dark lines when the label alone names each panel's one series; colour tells several apart.
  const single = [...panels.values()].every((p) => new Set(p.rows.map((r) => r.cell)).size === 1);
  const labels = [...panels.values()].map((p) => ({ ...p, note: o.note?.(p.rows) ?? '' }));
  return Plot.plot({
    title: o.title,
    ...grid.plot,
    y: { grid: true, ...o.y },
    color,
    marks: [
      Plot.frame({ stroke: '#d0d0d0' }),
      // Viridis ends in a pale yellow, too faint for a line on white.
      ...seriesMarks(placed, { fx: 'fx', fy: 'fy', fillOpacity: 0.3, strokeWidth: 1.5, stroke: single ? '#222' : undefined }),
      grid.labelMark,
      // The note wraps to the panel's width (lineWidth is in ems of 10 px; 11 px leaves room for Plot's
      // estimate of a line's width, a little narrow for digits), so neighbouring notes never overlap.
      Plot.text(labels, {
        fx: 'fx',
        fy: 'fy',
        text: 'note',
        frameAnchor: 'top-left',
        lineAnchor: 'top',
        dx: 4,
        dy: 3,
        fontSize: 10,
        lineWidth: Math.max(4, (panelWidth - 8) / 11),
        fill: '#222',
        stroke: 'white',
        strokeWidth: 3,
      }),
      medianTip(placed, { fx: 'fx', fy: 'fy' }, o), // last, so it is drawn over the notes
    ],
  });
}

/** Overlay: every η in one panel per facet (the swept fields other than the colour's), facets as rows in numeric order. */
export function overlayFrame(rows: readonly { facet: string }[], width: number, marginLeft = 40) {
  const facets = sortedLabels(rows.map((r) => r.facet)); // L=4 above L=16, not text order
  const faceted = facets.length > 1;
  const plot = {
    width,
    height: faceted ? undefined : 300,
    marginRight: faceted ? 130 : 20,
    marginLeft,
    x: { label: 'iteration t →' },
    fy: faceted ? { label: null, domain: facets } : undefined,
  } satisfies Plot.PlotOptions;
  return { fy: faceted ? 'facet' : undefined, plot };
}

/** What a small-multiples row must say: its η and the other swept fields (its row). */
interface PanelRow {
  stepSize: number;
  rowFacet: string;
}

/**
 * Small multiples: one panel per (row facet, η). With no other swept field the η panels wrap
 * into a grid; otherwise each row is one value of the other fields and each column one η. Gives
 * each row its panel (fx, fy), the panels with their rows and η label, one panel's width, the
 * Plot options of the grid (size, margins, x and facet axes) and the mark that writes each η
 * above its panel. The J(t)-like bands and prompts-mean draw through it, so they line up alike.
 */
export function panelGrid<R extends PanelRow>(rows: readonly R[], width: number, marginLeft = 40) {
  const etas = [...new Set(rows.map((r) => r.stepSize))].sort((a, b) => a - b);
  const rowFacets = sortedLabels(rows.map((r) => r.rowFacet)); // rows in numeric order (L=4, 8, 16)
  const wrap = rowFacets.length === 1;
  const columns = wrap ? columnsFor(etas.length) : etas.length;
  const place = (r: R) => {
    const i = etas.indexOf(r.stepSize);
    return wrap ? { fx: i % columns, fy: Math.floor(i / columns) } : { fx: i, fy: r.rowFacet };
  };
  const placed = rows.map((r) => ({ ...r, ...place(r) }));
  const panels = new Map<string, { fx: number; fy: number | string; label: string; rows: R[] }>();
  for (const r of placed) {
    const key = `${r.fx}|${r.fy}`;
    if (!panels.has(key)) panels.set(key, { fx: r.fx, fy: r.fy, label: `η = ${formatNumber(r.stepSize)}`, rows: [] });
    panels.get(key)!.rows.push(r);
  }
  const gridRows = wrap ? Math.ceil(etas.length / columns) : rowFacets.length;
  // One panel's width (fx is a band scale with padding 0.14 inside and out): ticks and notes fit in it.
  const marginRight = wrap ? 20 : 130;
  const panelWidth = ((width - marginLeft - marginRight) / (columns + 0.14)) * 0.86;
  const plot = {
    width,
    height: gridRows * PANEL_HEIGHT + 70,
    marginTop: 34, // the y label and, under it, the first row's panel labels
    marginRight,
    marginLeft,
    x: { label: 'iteration t →', ticks: Math.min(3, ticksFor(panelWidth)) }, // fewer labels in narrow panels, so they never run together
    fx: { axis: null, padding: 0.14 }, // room between one panel's last x tick and the next one's first
    fy: wrap ? { axis: null, padding: 0.16 } : { label: null, padding: 0.16, domain: rowFacets }, // room above each panel for its label
  } satisfies Plot.PlotOptions;
  // η above its panel, clear of lines near the top (J → 1).
  const labelMark = Plot.text([...panels.values()], {
    fx: 'fx',
    fy: 'fy',
    text: 'label',
    frameAnchor: 'top-left',
    lineAnchor: 'bottom',
    dy: -3,
    fontSize: 10,
    fontWeight: 'bold',
    fill: '#222',
  });
  return { placed, panels, panelWidth, plot, labelMark };
}

/** Band, median and (when present) dashed mean per cell. */
function seriesMarks(rows: BandRow[], f: { fx?: string; fy?: string; fillOpacity: number; strokeWidth: number; stroke?: string }): Plot.Markish[] {
  const { fx, fy } = f;
  const stroke = f.stroke ?? 'colour';
  const withMean = rows.filter((r) => r.mean !== undefined);
  return [
    Plot.areaY(rows, { x: 'step', y1: 'q10', y2: 'q90', z: 'cell', fx, fy, fill: 'colour', fillOpacity: f.fillOpacity, className: BAND_CLASS }),
    Plot.line(rows, { x: 'step', y: 'q50', z: 'cell', fx, fy, stroke, strokeWidth: f.strokeWidth, className: MEDIAN_CLASS }),
    // The mean over seeds, dashed: it falls below the median when some runs collapse.
    ...(withMean.length ? [Plot.line(withMean, { x: 'step', y: 'mean', z: 'cell', fx, fy, stroke, strokeWidth: 1, strokeDasharray: '3,3' })] : []),
  ];
}

/** The tip at the median nearest the pointer. */
function medianTip(rows: BandRow[], f: { fx?: string; fy?: string }, o: BandPanelOptions): Plot.Markish {
  return Plot.tip(rows, Plot.pointer({ x: 'step', y: 'q50', fx: f.fx, fy: f.fy, title: o.tip }));
}
