/**
 * One run's prompts over training (SPEC 1.8): J_q(t) of every prompt, the run's J(t) (their mean)
 * thicker, the ½ line above which a prompt is solved, each prompt's J_q(0)/2 below which it is
 * lost (dotted, in its colour) and a ring at every recorded step where it is lost. J_q is no sweep
 * output: plot-cell-figures.ts replays the run on the CPU twin (src/engine replayRun) and hands it
 * here; the figure's caption says so and sets the replayed final J beside the sweep's.
 *
 * @example
 *   const { run } = chosenRun(summary, { advantage: 'group-std', stepSize: 30 }, 3);
 *   container.append(promptRunPlot(summary, replayRun(summary.spec, run)));
 */
import * as Plot from '@observablehq/plot';
import type { ReplayedRun } from '../engine/index.ts';
import { summaryCells, type SweepSummary } from '../results/index.ts';
import { formatNumber } from './axis-labels.ts';
import type { GridWhere } from './phase-rows.ts';
import { matchesWhere } from './phase-rows.ts';

/** CSS classes of the marks (tests count their paths). */
export const PROMPT_LINE_CLASS = 'prompt-run-line';
export const RUN_J_CLASS = 'prompt-run-j';
export const LOST_MARK_CLASS = 'prompt-run-lost';

/** Up to this many prompts each get a colour of a categorical scheme and a swatch in the legend. */
const MAX_NAMED_PROMPTS = 10;

/**
 * The run the prompts-run view replays: the one grid cell `where` selects (among every cell of the
 * sweep, finished or not) and seed `seed` in it. Throws, naming `where` or `seed`, when either does
 * not pick exactly one run, and naming `base.N` when the cell has one prompt.
 */
export function chosenRun(summary: SweepSummary, where: GridWhere | undefined, seed: number | undefined): { run: number; cell: number; seed: number } {
  const cells = summaryCells(summary).filter((c) => matchesWhere(c, where));
  const swept = Object.keys(summary.spec.grid);
  if (cells.length !== 1) {
    const fix = swept.filter((k) => where?.[k as keyof GridWhere] === undefined);
    throw new Error(
      `where = ${JSON.stringify(where ?? {})} selects ${cells.length} grid cells; the prompts-run view replays one run, so "where" must select exactly one` +
        (fix.length ? ` (fix ${fix.join(', ')})` : ''),
    );
  }
  const seeds = summary.spec.seeds;
  if (seed === undefined || !Number.isInteger(seed) || seed < 0 || seed >= seeds)
    throw new Error(`seed = ${seed === undefined ? 'unset' : JSON.stringify(seed)}: must be an integer in [0, ${seeds}) (the sweep's seeds per grid cell)`);
  const cell = cells[0];
  if (cell.params.N <= 1) {
    const where = swept.includes('N') ? 'grid.N' : 'base.N';
    throw new Error(`the prompts-run view draws J_q of each prompt, and this cell has one prompt (${where} = ${cell.params.N}): set ${where} > 1`);
  }
  return { run: cell.index * seeds + seed, cell: cell.index, seed };
}

/** One prompt (or the run's mean, q = −1) at one recorded step. */
interface PromptPoint {
  q: number;
  prompt: string; // legend label
  step: number;
  J: number;
  threshold: number; // J_q(0)/2: below it the prompt is lost
  lost: boolean;
}

/** Points of every prompt at every recorded step (NaN after a divergence left out), in prompt order. */
export function promptRunPoints(replayed: ReplayedRun): PromptPoint[] {
  const { prompts, promptJ, recordSteps } = replayed;
  if (recordSteps[0] !== 0) throw new Error('a replayed run records J_q(0) at step 0; this one starts at step ' + recordSteps[0]);
  const points: PromptPoint[] = [];
  for (let q = 0; q < prompts; q++) {
    const start = promptJ[q];
    const prompt = promptLabel(q, start);
    recordSteps.forEach((step, r) => {
      const J = promptJ[r * prompts + q];
      if (Number.isFinite(J)) points.push({ q, prompt, step, J, threshold: start / 2, lost: J < start / 2 });
    });
  }
  return points;
}

const promptLabel = (q: number, start: number) => `prompt ${q + 1}, J_q(0) = ${formatNumber(start, 2)}`;

/**
 * "run 17 (η = 30, advantage = group-std, seed 3) replayed on the CPU twin from its seed; final J
 * 0.87 (the sweep's: 0.87)", with by how much they differ when they do (a WebGPU sweep rounds
 * differently), or that the sweep did not finish the cell.
 */
export function replayCaption(summary: SweepSummary, replayed: ReplayedRun): string {
  const cell = summaryCells(summary)[replayed.cell];
  const params = Object.keys(cell.values)
    .sort((a, b) => (a === 'stepSize' ? -1 : b === 'stepSize' ? 1 : 0))
    .map((k) => (k === 'stepSize' ? `η = ${formatNumber(cell.params.stepSize)}` : `${k} = ${String(cell.values[k as keyof typeof cell.values])}`));
  if (!params.some((p) => p.startsWith('η'))) params.unshift(`η = ${formatNumber(cell.params.stepSize)}`);
  const head = `run ${replayed.run} (${params.join(', ')}, seed ${replayed.seed}) replayed on the CPU twin from its seed`;
  const mine = replayed.diverged ? 'diverged' : formatNumber(replayed.finalJ, 4);
  const finished = summary.cellStats.some((s) => s.cell === replayed.cell);
  if (!finished) return `${head}; final J ${mine} (the sweep did not finish this cell)`;
  const theirs = summary.finalJ[replayed.run];
  const sweepDiverged = summary.diverged[replayed.run] === 1;
  const theirsText = sweepDiverged ? 'diverged' : formatNumber(theirs, 4);
  const same = (replayed.diverged && sweepDiverged) || Object.is(Math.fround(replayed.finalJ), Math.fround(theirs));
  if (same) return `${head}; final J ${mine} (the sweep's: ${theirsText}, bit for bit)`;
  const on = summary.backend.kind === 'webgpu' ? `, run on WebGPU (${summary.backend.adapter})` : '';
  const by = Number.isFinite(theirs) && Number.isFinite(replayed.finalJ) ? `; they differ by ${formatNumber(Math.abs(replayed.finalJ - theirs))}` : '';
  return `${head}; final J ${mine} (the sweep's: ${theirsText}${on}${by})`;
}

export interface PromptRunOptions {
  title?: string;
  width?: number;
}

export function promptRunPlot(summary: SweepSummary, replayed: ReplayedRun, o: PromptRunOptions = {}): HTMLElement | SVGSVGElement {
  if (replayed.prompts <= 1) throw new Error('the prompts-run view draws J_q of each prompt, and this run has one prompt: set base.N > 1');
  const points = promptRunPoints(replayed);
  const prompts = [...new Set(points.map((p) => p.prompt))]; // in prompt order
  const starts = prompts.map((_, q) => points.find((p) => p.q === q)!);
  const last = replayed.recordSteps[replayed.recordSteps.length - 1];
  const runJ = replayed.recordSteps.map((step, r) => ({ step, J: replayed.trajectory[r] })).filter((p) => Number.isFinite(p.J));
  const width = o.width ?? 680;
  const named = prompts.length <= MAX_NAMED_PROMPTS;
  const caption = replayCaption(summary, replayed);
  // The caption goes under the x axis: the y label takes the top-left corner.
  const marginBottom = 76; // ticks, the x label, then up to two lines of caption
  const marginLeft = 40;
  return Plot.plot({
    title: o.title,
    width,
    height: 390,
    marginTop: 24,
    marginBottom,
    marginLeft,
    marginRight: 20,
    x: { label: 'iteration t →', labelOffset: 30 }, // right under the ticks, the caption under it
    y: { grid: true, domain: [0, 1], label: '↑ J_q(t) of each prompt; J(t), their mean, thick' },
    color: named
      ? { type: 'categorical', domain: prompts, scheme: 'observable10', legend: true, label: 'prompt' }
      : { type: 'ordinal', domain: prompts, scheme: 'turbo', legend: false },
    marks: [
      Plot.ruleY([0.5], { stroke: '#888', strokeDasharray: '4,3' }),
      Plot.text([0.5], {
        x: last,
        y: (d: number) => d,
        text: () => 'solved above ½',
        textAnchor: 'end',
        dy: -7,
        fontSize: 10,
        fill: '#555',
        stroke: 'white',
        strokeWidth: 3,
      }),
      // Each prompt's lost line J_q(0)/2, dotted in its colour.
      Plot.ruleY(starts, { y: 'threshold', x1: 0, x2: last, stroke: 'prompt', strokeDasharray: '1,3', strokeWidth: 1.2 }),
      Plot.line(points, { x: 'step', y: 'J', z: 'prompt', stroke: 'prompt', strokeWidth: 1.3, className: PROMPT_LINE_CLASS }),
      Plot.dot(
        points.filter((p) => p.lost),
        { x: 'step', y: 'J', stroke: 'prompt', fill: 'white', r: 2.5, strokeWidth: 1.2, className: LOST_MARK_CLASS },
      ),
      Plot.line(runJ, { x: 'step', y: 'J', stroke: '#111', strokeWidth: 3, className: RUN_J_CLASS }),
      Plot.text([caption], {
        frameAnchor: 'bottom-left',
        lineAnchor: 'top',
        dx: -marginLeft + 4,
        dy: 44,
        fontSize: 11,
        lineWidth: (width - 16) / 12, // in ems of the 11 px font, with room for Plot's estimate of a line's width
        fill: '#222',
      }),
      Plot.tip(
        points,
        Plot.pointer({
          x: 'step',
          y: 'J',
          title: (p: PromptPoint) =>
            `${p.prompt}\nt = ${p.step}: J_q = ${formatNumber(p.J)}${p.lost ? ' (lost)' : p.J > 0.5 ? ' (solved)' : ''}\nlost below J_q(0)/2 = ${formatNumber(p.threshold)}`,
        }),
      ),
    ],
  });
}
