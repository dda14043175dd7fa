// Thread side of web-worker.ts: gives the module a Web Worker's `self` (onmessage, postMessage)
// over parentPort, then imports it with the same TypeScript hooks as the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import './register.mjs';

globalThis.self = globalThis;
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
await import(workerData.url);
// Listen only once the module has set self.onmessage: messages wait in the port until then.
parentPort.on('message', (data) => globalThis.onmessage?.({ data }));
