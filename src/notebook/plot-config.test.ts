/** Plot cells in a notebook file: the gap view and the trajectory layouts are accepted; bad values are named with what is allowed. */
import { describe, expect, it } from 'vitest';
import { checkCells, parseNotebook } from './index.ts';

const notebook = (plot: string) =>
  '<!doctype html>\n<notebook theme="air" version="1">\n  <title>T</title>\n' +
  '  <script id="s" type="application/vnd.gradgap.sweep+json">\n    {"grid": {"stepSize": [1, 10]}, "seeds": 4}\n  </script>\n' +
  `  <script id="p" type="application/vnd.gradgap.plot+json">\n    ${plot}\n  </script>\n</notebook>\n`;

const plotIssues = (plot: string) => {
  const parsed = parseNotebook(notebook(plot));
  expect(parsed.issues).toEqual([]);
  const cells = checkCells(parsed.notebook.cells, parsed.cellLines);
  expect(cells[0].issues).toEqual([]);
  return cells[1].issues.map((i) => `${i.field}: ${i.message}`);
};

describe('plot cell config', () => {
  it('accepts the gap view, alone or with a layout, and depends on its sweep', () => {
    expect(plotIssues('{"view": "gap", "sweep": "s"}')).toEqual([]);
    expect(plotIssues('{"view": "gap", "sweep": "s", "layout": "overlay"}')).toEqual([]);
    expect(plotIssues('{"view": "trajectories", "sweep": "s", "layout": "small-multiples"}')).toEqual([]);
    const parsed = parseNotebook(notebook('{"view": "gap", "sweep": "s"}'));
    expect(checkCells(parsed.notebook.cells)[1].dependencies).toEqual(['s']);
  });

  it('rejects an unknown view, naming every view there is', () => {
    expect(plotIssues('{"view": "gap-norm", "sweep": "s"}')).toEqual([
      'view: view = "gap-norm": must be one of phase, trajectories, gap, update-norm, length, prompts-solved, prompts-lost, prompts-mean, clipped-share, kl-reference, held-out, prompts-run, distribution, critical, compare, logs-trajectories, logs-outcome',
    ]);
  });

  it('rejects an unknown layout, and a gap view without a sweep', () => {
    expect(plotIssues('{"view": "gap", "sweep": "s", "layout": "grid"}')).toEqual(['layout: layout = "grid": must be one of overlay, small-multiples']);
    expect(plotIssues('{"view": "gap"}')).toEqual(['sweep: sweep is required: the id of a sweep cell']);
  });

  it('rejects unknown keys (nearest one named), prototype keys and bad where keys', () => {
    expect(plotIssues('{"view": "gap", "sweep": "s", "colour": "L"}')[0]).toMatch(/^colour: unknown field; did you mean color\?/);
    expect(plotIssues('{"view": "gap", "sweep": "s", "__proto__": {"view": "phase"}}')[0]).toMatch(/^__proto__: unknown field/);
    expect(plotIssues('{"view": "gap", "sweep": "s", "toString": 1}')[0]).toMatch(/^toString: unknown field/);
    expect(plotIssues('{"view": "gap", "sweep": "s", "where": {"colour": 1}}')).toEqual([
      'where.colour: unknown field; grid keys: stepSize, L, targetLength, J0, G, V, d, N, K, B, advantage, aggregation, optimizer, momentum, beta1, beta2, adamEpsilon, weightDecay, maxGradNorm, warmupSteps, schedule, ppoEpochs, miniBatches, clipLow, clipHigh, dualClip, klCoef, klEstimator',
    ]);
    expect(plotIssues('{"view": "gap", "sweep": "s", "where": {"stepSize": 3}}')).toEqual([
      'where.stepSize: where.stepSize = 3 is not in sweep "s"\'s grid.stepSize: one of 1, 10',
    ]);
  });
});
