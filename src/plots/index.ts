// Figures from results tables (Observable Plot): phase diagrams, J(t) and ‖g‖(t) trajectories, thresholds, export.
export { phaseRows, chooseY, edges, type GridWhere, type PhaseLayout, type PhaseRow, type PhaseRowOptions } from './phase-rows.ts';
export { phaseDiagram, PHASE_CELL_CLASS, type PhaseOptions } from './phase-diagram.ts';
export { trajectoriesPlot, trajectoryRows } from './trajectories.ts';
export { gapTrajectoriesPlot, gapRows } from './gap-trajectories.ts';
export { lengthTrajectoriesPlot, lengthRows, LENGTH_VIEW_SERIES } from './length-trajectories.ts';
export { promptSharesPlot, promptShareRows, PROMPT_SHARE_WORDS } from './prompt-shares.ts';
export { promptMeanPlot, promptMeanRows, PROMPT_MEAN_SERIES, PROMPT_MEAN_STYLES, type PromptMeanRow } from './prompt-mean.ts';
export { promptRunPlot, chosenRun, replayCaption } from './prompt-run.ts';
export { distributionPlot } from './distribution.ts';
export { thresholdPlot, type ThresholdOptions } from './threshold-curves.ts';
export { THEORY_STYLES, theoryStyle } from './theory-styles.ts';
export { figureSvg, figurePng, download, FIGURE_KEY_CLASS, FIGURE_TITLE_CLASS, KEY_ENTRY_CLASS, type FigureExtras } from './export-figure.ts';
export { figureKey, plotCellExtras, swatchCss, type FigureKeyOptions, type KeyEntry, type KeyMark, type KeySwatch } from './figure-key.ts';
export { compareLabels, fieldLabel, fillLabel, formatNumber, percent, sortedLabels, xLabel } from './axis-labels.ts';
export { plotCellFigures, type PlotSweep } from './plot-cell-figures.ts';
export { logsTrajectoriesPlot, logsTrajectoryRows, LOGS_LINE_CLASS, type LogsTrajectoryRow } from './logs-trajectories.ts';
export { logsOutcomePlot, logsOutcomeRows, LOGS_OUTCOME_CELL_CLASS, OUTCOME_SYMBOLS, type LogsOutcomeRow } from './logs-outcome.ts';
export { logsBesideSweepPlot, alignAxes, besideNote, type AxisAlignment, type SimulatedStrip } from './logs-beside-sweep.ts';
