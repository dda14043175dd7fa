/**
 * How each theory curve is drawn, so two curves on one plot never look alike: its colour on the
 * phase diagram (the threshold plot colours by series and tells curves apart by dash alone), its
 * SVG dash pattern, and the CSS border style of its key swatch (`border-top: 2px <css> <stroke>`).
 * The curves themselves are computed in src/theory (theoryCurvesFor).
 *
 * @example
 *   Plot.line(points, { stroke: theoryStyle('one-step').stroke, strokeDasharray: theoryStyle('one-step').dash });
 */
export const THEORY_STYLES: Record<string, { stroke: string; dash: string; css: 'dashed' | 'dotted' }> = {
  'one-step': { stroke: '#e0218a', dash: '6,3', css: 'dashed' },
  'theorem-1': { stroke: '#6a3d9a', dash: '1.5,3', css: 'dotted' },
};
const OTHER_STYLE = { stroke: '#555', dash: '8,2,2,2', css: 'dashed' } as const;

/** The style of a theory curve by name (THEORY_STYLES; unknown names get a dash-dot grey). */
export function theoryStyle(name: string): { stroke: string; dash: string; css: 'dashed' | 'dotted' } {
  return THEORY_STYLES[name] ?? OTHER_STYLE;
}
