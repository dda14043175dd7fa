/**
 * The open end of a bootstrap interval (an end beyond the η swept, not a value): the interval stops
 * at what is known (the other end, or η*) and the open end runs dashed to the frame with an arrow
 * and says so. One drawing for the phase diagram (strip and field rows) and the threshold curves,
 * so the three places cannot drift apart; the points come computed (src/theory criticalPoints).
 *
 * @example
 *   const ends = openEnds(intervals, xDomain);
 *   marks.push(...openEndMarks(ends, { along: 'x', at: 'y', fx, label: () => ({ dy: -9 }) }));
 */
import * as Plot from '@observablehq/plot';
import type { CriticalPoint } from '../theory/index.ts';

/** Class of the dashed open end of an interval (an end beyond the η swept): tests find it by this. */
export const OPEN_END_CLASS = 'interval-open-end';

export type Side = 'low' | 'high';

/** What the label at an open end says. */
export const OPEN_END_TEXT: Record<Side, string> = { low: '< smallest η tried', high: '> largest η tried' };

/** The known end of `p`'s interval on `side`: that end, else η*, else the other end. */
export const knownEnd = (p: CriticalPoint, side: Side): number => (side === 'low' ? (p.low ?? p.x ?? p.high!) : (p.high ?? p.x ?? p.low!));

export type OpenEnd = CriticalPoint & { from: number; to: number; side: Side };

/** Each open end of the points' intervals, running from the known end to the frame's edge on that side (`domain`). */
export function openEnds(points: readonly CriticalPoint[], domain: readonly [number, number]): OpenEnd[] {
  return points.flatMap((p) => [
    ...(p.low === null ? [{ ...p, from: knownEnd(p, 'low'), to: domain[0], side: 'low' as const }] : []),
    ...(p.high === null ? [{ ...p, from: knownEnd(p, 'high'), to: domain[1], side: 'high' as const }] : []),
  ]);
}

export interface OpenEndPlace {
  along: 'x' | 'y'; // the η axis
  at: Plot.ChannelValueSpec; // where on the other axis the dashed line runs
  labelAt?: Plot.ChannelValueSpec; // where its label sits on the other axis (default: `at`)
  fx?: Plot.ChannelValue; // facets, where the plot has them
  stroke?: Plot.ChannelValueSpec; // default black
  label: (side: Side) => Plot.TextOptions; // the label's placement at each side (anchor, offsets)
}

/** The dashed line with its arrow, and the label at each open end's frame edge. */
export function openEndMarks(ends: readonly OpenEnd[], place: OpenEndPlace): Plot.Markish[] {
  const across = place.along === 'x' ? 'y' : 'x';
  return [
    Plot.link(ends, {
      [`${place.along}1`]: 'from',
      [`${place.along}2`]: 'to',
      [`${across}1`]: place.at,
      [`${across}2`]: place.at,
      fx: place.fx,
      stroke: place.stroke ?? 'black',
      strokeWidth: 1.5,
      strokeDasharray: '4,3',
      markerEnd: 'arrow',
      className: OPEN_END_CLASS,
    }),
    ...(['low', 'high'] as const).map((side) =>
      Plot.text(
        ends.filter((d) => d.side === side),
        {
          [place.along]: 'to',
          [across]: place.labelAt ?? place.at,
          fx: place.fx,
          text: () => OPEN_END_TEXT[side],
          fontSize: 9,
          fill: '#111',
          ...place.label(side),
        },
      ),
    ),
  ];
}
