// The device kit's bundled CLI (build.mjs bundles this into gradgap.mjs): gradgap's command line as
// bin/gradgap.mjs runs it, without tsx (esbuild has compiled the TypeScript and inlined the WGSL).
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
