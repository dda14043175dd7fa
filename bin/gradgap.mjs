#!/usr/bin/env -S node --max-semi-space-size=2
// `npx gradgap …`: the command line of gradgap (src/cli/main.ts), run from the TypeScript sources.
// 2 MB semi-spaces (V8's young generation, in the main thread and each CPU worker): a sweep streams,
// and each chunk's arrays and rows are garbage once written; the default 16 MB semi-spaces let that
// garbage pile up to a plateau ~100 MB higher before it is collected, so peak memory tracked how long
// a run lasted rather than what it holds (npm run bench:memory runs the CLI with these flags).
import '../src/cli/node-loader/register.mjs';

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
