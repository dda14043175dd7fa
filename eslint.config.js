// One lint configuration for the tree; `npm test` runs it before the tests (and so does CI).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { dirname, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, 'src');

/**
 * The floors of the house, lowest first (STYLE.md: data flows one way). A folder may import its
 * own floor and the floors below it, never one above: the engine and the model know nothing of
 * ui/ or plots/. Front ends (cli, ui, vite) sit on top and may import everything below.
 */
const FLOORS = {
  spec: 0,
  rng: 0,
  model: 1,
  engine: 2,
  results: 3,
  logs: 3,
  theory: 4,
  notebook: 5,
  plots: 6,
  cli: 7,
  ui: 7,
  vite: 7,
};

/** Top folder under src/ of an absolute path, or null outside src/. */
function folderOf(path) {
  const rel = relative(SRC, path);
  if (rel.startsWith('..') || rel === '') return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : null;
}

/** Local rule: imports across src/ folders go through the target's index.ts and never upward. */
const houseRule = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { upward: '{{from}}/ may not import {{to}}/ (a higher floor of the house)', barrel: 'import {{to}}/ through its index.ts, not {{path}}' },
  },
  create(context) {
    const file = context.filename;
    const from = folderOf(file);
    if (!from) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const to = folderOf(target);
      if (!to || to === from) return;
      if (from in FLOORS && to in FLOORS && FLOORS[to] > FLOORS[from]) context.report({ node, messageId: 'upward', data: { from, to } });
      else if (relative(resolve(SRC, to), target) !== 'index.ts') context.report({ node, messageId: 'barrel', data: { to, path: source } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node), // the node itself: a report needs its location
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mjs,js}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { house: { rules: { imports: houseRule } } },
    rules: {
      'house/imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests may reach inside a folder: they test its internals.
    files: ['**/*.test.ts', '**/test-fixtures.ts'],
    rules: { 'house/imports': 'off' },
  },
);
