/**
 * The files a logs cell reads, on the page: files the reader opened from disk are kept in
 * IndexedDB by name (so a reload keeps them); any other name is fetched relative to the page,
 * which is how the published site reads notebooks/data/ (copied to data/ beside the pages).
 * Each logs cell's analysis (src/logs analyzeLogs) is memoized by its config, so the cell and
 * the plots that read it share one read.
 *
 * @example
 *   await storeLogFiles([{ name: 'sweep.csv', text }]);
 *   const r = await logsAnalysisFor(config); // { ok: true, analysis, files } or { ok: false, message }
 */
import { analyzeLogs, bytesToBinaryString, isTensorBoardName, LogInputError, type LogsAnalysis } from '../logs/index.ts';
import { logsAnalysisOptions, logsCellFileNames, type LogsCellConfig } from '../notebook/index.ts';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { browserStore } from './browser-store.ts';

export type LogsResult = { ok: true; analysis: LogsAnalysis; files: { name: string; text: string }[] } | { ok: false; message: string };

const logFiles = browserStore<string>('gradgap-logs', 'files');
/** Fires `change` when the reader opens files, so cells and plots read again. */
export const logFilesChanged = new EventTarget();

/** Calls `onChange` while `host` is on the page whenever the reader opens logs files. */
export class LogFilesWatch implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly onChange: () => void,
  ) {
    host.addController(this);
  }
  hostConnected(): void {
    logFilesChanged.addEventListener('change', this.onChange);
  }
  hostDisconnected(): void {
    logFilesChanged.removeEventListener('change', this.onChange);
  }
}
let generation = 0;

/** Files opened this session, in case IndexedDB keeps nothing. */
const memory = new Map<string, string>();

/** Keeps files the reader opened; `stored` is false when this browser keeps nothing past a reload. */
export async function storeLogFiles(files: readonly { name: string; text: string }[]): Promise<{ stored: boolean }> {
  for (const f of files) memory.set(f.name, f.text);
  generation++;
  const kept = await logFiles.putAll(files.map((f) => [f.name, f.text] as const));
  logFilesChanged.dispatchEvent(new Event('change'));
  return { stored: kept };
}

async function storedText(name: string): Promise<string | undefined> {
  if (memory.has(name)) return memory.get(name);
  const text = await logFiles.get(name);
  return typeof text === 'string' ? text : undefined;
}

/** One file's text: opened by the reader, else fetched beside the page. Throws naming the file. */
export async function logFileText(name: string): Promise<string> {
  const stored = await storedText(name);
  if (stored !== undefined) return stored;
  let response: Response;
  try {
    response = await fetch(new URL(name, document.baseURI));
  } catch (error) {
    throw new Error(`${name}: could not be fetched (${(error as Error).message}); open it from disk`, { cause: error });
  }
  if (!response.ok) throw new Error(`${name}: not found beside this page (HTTP ${response.status}); open it from disk`);
  return isTensorBoardName(name) ? bytesToBinaryString(new Uint8Array(await response.arrayBuffer())) : response.text();
}

const memo = new Map<string, Promise<LogsResult>>();

/** The runs, summaries and critical learning rate of a logs cell's config; never throws. */
export function logsAnalysisFor(config: LogsCellConfig): Promise<LogsResult> {
  const key = `${generation}|${JSON.stringify(config)}`;
  let found = memo.get(key);
  if (!found) {
    found = (async (): Promise<LogsResult> => {
      try {
        const files = await Promise.all(config.files.map(async (name) => ({ name, text: await logFileText(name) })));
        const { configs } = logsCellFileNames(config);
        const configTexts = new Map(await Promise.all(configs.map(async (name) => [name, await logFileText(name)] as const)));
        const analysis = analyzeLogs(files, logsAnalysisOptions(config, configTexts));
        return { ok: true, analysis, files };
      } catch (error) {
        return { ok: false, message: error instanceof LogInputError ? error.message : (error as Error).message };
      }
    })();
    memo.set(key, found);
  }
  return found;
}
