// The notebook file format and its cells (SPEC 2.3): pure, DOM-free, runs in Node and the browser.
export * from './notebook.ts';
export { parseNotebook, type ParsedNotebook } from './parse.ts';
export { serializeNotebook } from './serialize.ts';
export * from './cell-config.ts';
export { checkCells, dependents, type CellIssue, type CheckedCell } from './check.ts';
