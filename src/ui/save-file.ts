/**
 * "Save": writes the notebook back to the file it was opened from, through the File System
 * Access API where the browser has it (Chromium); where it has not, or the reader cancels the
 * picker, the notebook is downloaded instead, as "Download notebook" does.
 *
 * @example
 *   const handle = await saveNotebookText('mine.html', text, session.handle); // the handle written, or undefined after a download
 */
import { download } from '../plots/index.ts';

interface FilePickerWindow {
  showOpenFilePicker?: (options?: object) => Promise<FileSystemFileHandle[]>;
  showSaveFilePicker?: (options?: object) => Promise<FileSystemFileHandle>;
}

const PICKER_TYPES = { types: [{ description: 'Notebook (HTML)', accept: { 'text/html': ['.html'] } }] };

/** Whether this browser can write a file the page opened (File System Access API). */
export function canWriteFiles(): boolean {
  return typeof (globalThis as FilePickerWindow).showSaveFilePicker === 'function';
}

/** Picks a notebook file with the File System Access API; undefined when the browser has none or the reader cancels. */
export async function pickNotebookFile(): Promise<{ file: File; handle: FileSystemFileHandle } | undefined> {
  const picker = (globalThis as FilePickerWindow).showOpenFilePicker;
  if (typeof picker !== 'function') return undefined;
  try {
    const [handle] = await picker(PICKER_TYPES);
    return { file: await handle.getFile(), handle };
  } catch {
    return undefined; // cancelled
  }
}

/**
 * Writes `text` to `handle`, or to a file the reader picks (asking first where there is no handle);
 * downloads it where the browser cannot write files. Returns the handle written to.
 */
export async function saveNotebookText(name: string, text: string, handle?: FileSystemFileHandle): Promise<FileSystemFileHandle | undefined> {
  const w = globalThis as FilePickerWindow;
  try {
    const target = handle ?? (canWriteFiles() ? await w.showSaveFilePicker!({ suggestedName: name, ...PICKER_TYPES }) : undefined);
    if (target) {
      const writable = await target.createWritable();
      await writable.write(text);
      await writable.close();
      return target;
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError') return handle; // the reader cancelled the picker
    // No permission to write: fall through to a download, so the text is never lost.
  }
  download(name, text, 'text/html');
  return undefined;
}
