// Figures from results tables (Observable Plot): phase diagrams, J(t) and ‖g‖(t) trajectories, thresholds, export.
export { phaseRows, chooseY, edges, type PhaseLayout, type PhaseRow } from './phase-rows.ts';
export { phaseDiagram, PHASE_CELL_CLASS, type PhaseOptions } from './phase-diagram.ts';
export { trajectoriesPlot, trajectoryRows } from './trajectories.ts';
export { gapTrajectoriesPlot, gapRows } from './gap-trajectories.ts';
export { distributionPlot } from './distribution.ts';
export { thresholdPlot, type ThresholdOptions } from './threshold-curves.ts';
export { criticalPoints, empiricalThresholds, asSweepResult, THEORY_STYLES, theoryStyle, type CriticalPoint, type TheoryCurve } from './overlays.ts';
export { figureSvg, figurePng, download } from './export-figure.ts';
export { compareLabels, fieldLabel, fillLabel, formatNumber, percent, sortedLabels, xLabel } from './axis-labels.ts';
export { plotCellFigures, type PlotSweep } from './plot-cell-figures.ts';
