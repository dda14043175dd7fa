/** The lint rule that keeps the house's floors: it must refuse what STYLE.md forbids, and allow the rest. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function houseErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'house/imports').map((m) => m.message);
}

describe('house/imports', () => {
  it('the engine and the model never import ui/ or plots/', async () => {
    expect(await houseErrors('src/engine/x.ts', "import { a } from '../ui/index.ts';\nexport const b = a;\n")).toEqual([
      'engine/ may not import ui/ (a higher floor of the house)',
    ]);
    expect(await houseErrors('src/model/x.ts', "import { a } from '../plots/index.ts';\nexport const b = a;\n")).toEqual([
      'model/ may not import plots/ (a higher floor of the house)',
    ]);
    expect(await houseErrors('src/model/x.ts', "import { a } from '../engine/index.ts';\nexport const b = a;\n")).toHaveLength(1);
  });

  it('folders import each other through index.ts only; within a folder anything goes', async () => {
    expect(await houseErrors('src/theory/x.ts', "import { a } from '../engine/run-sweep.ts';\nexport const b = a;\n")).toEqual([
      'import engine/ through its index.ts, not ../engine/run-sweep.ts',
    ]);
    expect(await houseErrors('src/theory/x.ts', "import { a } from '../engine/index.ts';\nimport { c } from './y.ts';\nexport const b = [a, c];\n")).toEqual(
      [],
    );
    expect(await houseErrors('src/ui/x.ts', "export { a } from '../spec/spec.ts';\n")).toHaveLength(1);
  });

  it('tests may reach inside a folder', async () => {
    expect(await houseErrors('src/theory/x.test.ts', "import { a } from '../engine/run-sweep.ts';\nexport const b = a;\n")).toEqual([]);
  });
});
