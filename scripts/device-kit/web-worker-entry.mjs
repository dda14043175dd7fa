// The device kit's worker-thread entry (copied beside the bundled gradgap.mjs): the kit's version of
// src/cli/node-loader/web-worker-entry.mjs. No TypeScript hooks: the module the engine asks for,
// `cpu-worker.ts` beside the bundle, is loaded as the bundled `cpu-worker.mjs`.
import { parentPort, workerData } from 'node:worker_threads';

globalThis.Float16Array ??= class Float16Array extends Uint16Array {};
globalThis.self = globalThis;
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
await import(String(workerData.url).replace(/\.ts$/, '.mjs'));
// Listen only once the module has set self.onmessage: messages wait in the port until then.
parentPort.on('message', (data) => globalThis.onmessage?.({ data }));
