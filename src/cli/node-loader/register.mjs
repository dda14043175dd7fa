// Lets Node 20 run the TypeScript sources as they are, with no build step (why: the CLI then
// always runs the code the tests and the page run, and `npx gradgap` works right after `npm ci`).
// tsx compiles TS; raw-hooks.mjs serves Vite-style `?raw` imports. Registered hooks run
// last-registered-first, so `?raw` is answered before tsx sees it. Each worker thread imports
// this file again: hooks are per thread.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./raw-hooks.mjs', import.meta.url);

// webgpu-utils 2.x names Float16Array in its type tables at import time; Node 20 lacks it. The
// engine uses no f16 type (the adapters here lack shader-f16), so a stand-in that only makes the
// import succeed is enough; it is never used to convert values.
globalThis.Float16Array ??= class Float16Array extends Uint16Array {};
