#!/usr/bin/env node
// `npx gradgap …`: the command line of gradgap (src/cli/main.ts), run from the TypeScript sources.
import '../src/cli/node-loader/register.mjs';

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
