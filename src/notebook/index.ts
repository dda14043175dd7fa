// The notebook file format and its cells (SPEC 2.3): pure, DOM-free, runs in Node and the browser.
export * from './notebook.ts';
export { parseNotebook, type ParsedNotebook } from './parse.ts';
export { serializeNotebook } from './serialize.ts';
export { formatJson } from './format-json.ts';
export * from './cell-config.ts';
export { type LogsFileSettings, logsAnalysisOptions, logsCellFileNames } from './logs-cell-settings.ts';
export {
  cellIdProblem,
  checkCells,
  checkSweepDraft,
  dependents,
  MAX_CELL_ID,
  type CellIssue,
  type CheckedCell,
  type CheckedCellOf,
  type CheckedConfigCell,
  type CheckedTextCell,
  type DeclarativeKind,
  type TextKind,
  type UnreadCell,
} from './check.ts';
export * from './resolve.ts';
export * from './references.ts';
