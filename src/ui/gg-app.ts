/**
 * The page: a bar with the built-in notebooks, the engine choice, "New notebook" and "Open
 * file…", the notebook list on the index page (the built-in ones, then the reader's own), and
 * the open notebook. Which notebook a page shows comes from its `?user=<id>` (the reader's own,
 * kept in IndexedDB: user-notebooks.ts), else its
 * `?file=<id>` (a notebook opened with "Open file…", kept in IndexedDB), else its
 * `<meta name="gradgap-notebook">` (one page per notebook in the built site), else `?nb=`, else
 * the default.
 */
import { choiceOption } from './choice-option.ts';
import { LitElement, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { markdownToHtml } from './markdown.ts';
import { sanitizeHtml } from './sanitize.ts';
import type { BackendChoice } from '../engine/index.ts';
import './gg-notebook.ts';
import { DEFAULT_NOTEBOOK, currentWgslHash, library, loadBaked, type LibraryEntry } from './library.ts';
import { openResultCache, type ResultCache } from './result-cache.ts';
import { parseNotebook, serializeNotebook, untitledNotebook } from '../notebook/index.ts';
import { loadOpenedFile, storeOpenedFile } from './opened-files.ts';
import { canWriteFiles, pickNotebookFile, saveNotebookText } from './save-file.ts';
import { NotebookSession, type ForkDetail } from './session.ts';
import type { UndoStep } from './undo-history.ts';
import { listUserNotebooks, loadUserNotebook, newUserNotebookId, putUserNotebook, type UserNotebook } from './user-notebooks.ts';

const BACKEND_KEY = 'gradgap:backend';

function savedBackend(): BackendChoice {
  try {
    const v = localStorage.getItem(BACKEND_KEY);
    return v === 'webgpu' || v === 'cpu' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** The notebook a page is for: the reader's own (?user=), an opened file (?file=), then the meta tag, then ?nb=, then the default. */
export function pageNotebook(doc: Document = document, search = location.search): { name: string; isIndex: boolean; file?: string; user?: string } {
  const user = new URLSearchParams(search).get('user');
  if (user) return { name: `user:${user}`, isIndex: false, user };
  const file = new URLSearchParams(search).get('file');
  if (file) return { name: `file:${file}`, isIndex: false, file };
  const meta = doc.querySelector<HTMLMetaElement>('meta[name="gradgap-notebook"]')?.content;
  const param = new URLSearchParams(search).get('nb');
  const name = meta || param || DEFAULT_NOTEBOOK;
  return { name, isIndex: !meta && !param };
}

export class GgApp extends LitElement {
  // All internal state: none is set from outside or reflected to an attribute.
  static override properties = Object.fromEntries(
    ['session', 'entries', 'current', 'isIndex', 'error', 'notice', 'wgslHash', 'backend', 'own'].map((name) => [name, { state: true }]),
  );
  declare session: NotebookSession | undefined;
  declare entries: LibraryEntry[];
  declare current: string;
  declare isIndex: boolean;
  declare error: string;
  declare notice: string;
  declare wgslHash: string | undefined;
  declare backend: BackendChoice;
  declare own: UserNotebook[]; // the reader's notebooks, for the list
  private readonly cache: ResultCache = openResultCache();
  private file: string | undefined; // ?file=: an opened file's id
  private user: string | undefined; // ?user=: the reader's own notebook's id
  private openedHandle: FileSystemFileHandle | undefined; // the file "Open file…" picked, where the browser lets the page write it
  private readonly onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's' && this.session) {
      e.preventDefault();
      void this.save();
    }
  };
  private readonly onFork = (e: Event) => void this.fork((e as CustomEvent<ForkDetail>).detail);

  constructor() {
    super();
    this.entries = library();
    const page = pageNotebook();
    this.current = page.name;
    this.isIndex = page.isIndex;
    this.file = page.file;
    this.user = page.user;
    this.own = [];
    this.error = '';
    this.notice = '';
    this.backend = savedBackend();
  }

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void currentWgslHash().then((h) => (this.wgslHash = h));
    void this.refreshOwn();
    window.addEventListener('keydown', this.onKey);
    void (this.user ? this.reopenUser(this.user) : this.file ? this.reopenFile(this.file) : this.openBuiltIn(this.current));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    this.session?.removeEventListener('fork', this.onFork);
  }

  private async refreshOwn() {
    this.own = await listUserNotebooks();
  }

  /** Shows `?user=<id>` (a history entry, so Back returns to the notebook before). */
  private showUserUrl(id: string) {
    const search = new URLSearchParams(location.search);
    search.delete('nb');
    search.delete('file');
    search.set('user', id);
    history.pushState(null, '', `${location.pathname}?${search}`);
    this.current = `user:${id}`;
    this.user = id;
    this.file = undefined;
    this.isIndex = false;
  }

  /** "New notebook": an untitled notebook of the reader's own, stored and opened. */
  async newNotebook() {
    const nb = untitledNotebook();
    await this.createOwn({ text: serializeNotebook(nb), title: nb.title });
  }

  private async createOwn(entry: Pick<UserNotebook, 'text' | 'title'> & Partial<UserNotebook>, history?: readonly UndoStep[]) {
    const id = newUserNotebookId();
    const record: UserNotebook = { id, updatedAt: Date.now(), ...entry };
    const stored = await putUserNotebook(record);
    this.notice = stored ? '' : 'This browser keeps nothing (storage is off or full): a reload will lose this notebook. Download it to keep it.';
    this.showUserUrl(id);
    await this.openUser(record, history);
    void this.refreshOwn();
  }

  /** A structural edit of a built-in or opened notebook: it becomes the reader's own copy. */
  private async fork(detail: ForkDetail) {
    const from = this.session;
    const origin = from && !from.name.includes(':') ? from.name : undefined;
    await this.createOwn(
      { text: detail.text, title: parseNotebook(detail.text).notebook.title, origin, fileName: from?.fileName, handle: from?.handle },
      detail.history,
    );
    this.notice = `${origin ? 'A built-in notebook' : 'This notebook'} changed shape, so it is now your own copy (listed under “Your notebooks”)${origin ? `; ${origin}.html is unchanged` : ''}.`;
  }

  private async reopenUser(id: string) {
    const found = await loadUserNotebook(id);
    if (!found) {
      this.error = `This page showed one of your notebooks (id ${id}), and this browser does not have it stored (storage may be off or cleared).`;
      return;
    }
    await this.openUser(found);
  }

  private async openUser(record: UserNotebook, history?: readonly UndoStep[]) {
    let baked = null;
    if (record.origin) baked = await loadBaked(record.origin).catch(() => null); // still valid for sweeps the copy left unchanged
    const fileName =
      record.fileName ??
      `${
        record.title
          .replace(/[^\w.-]+/g, '-')
          .replace(/^-+|-+$/g, '')
          .toLowerCase() || 'notebook'
      }.html`;
    const saveFile = async (text: string) => {
      const ok = await putUserNotebook({ ...record, text, title: parseNotebook(text).notebook.title, updatedAt: Date.now() });
      void this.refreshOwn();
      return ok;
    };
    await this.openText(`user:${record.id}`, record.text, { baked, fileName, saveFile, history, handle: record.handle });
  }

  /** A reload of a page showing an opened file: from IndexedDB, or says why it cannot. */
  private async reopenFile(id: string) {
    const found = await loadOpenedFile(id);
    if (!found) {
      this.error = `This page showed a notebook opened with “Open file…” (id ${id}), and this browser does not have that file stored (storage may be off or cleared). Open the file again with “Open file…”.`;
      return;
    }
    await this.openText(this.current, found.text, { fileName: found.name });
  }

  private async openBuiltIn(name: string) {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) {
      this.error = `There is no built-in notebook called "${name}". The notebooks are listed above.`;
      return;
    }
    let baked = null;
    let bakedError: string | undefined;
    try {
      baked = await loadBaked(name);
    } catch (error) {
      bakedError = (error as Error).message;
    }
    await this.openText(name, entry.source, { baked, bakedError });
  }

  private async openText(
    name: string,
    text: string,
    extra: {
      baked?: Awaited<ReturnType<typeof loadBaked>>;
      bakedError?: string;
      fileName?: string;
      saveFile?: (text: string) => Promise<boolean>;
      history?: readonly UndoStep[];
      handle?: FileSystemFileHandle;
    } = {},
  ) {
    try {
      const { handle, ...options } = extra;
      this.session?.removeEventListener('fork', this.onFork);
      const session = await NotebookSession.open({ name, fileText: text, cache: this.cache, hash: location.hash, backend: this.backend, ...options });
      session.handle = handle;
      session.addEventListener('fork', this.onFork);
      this.session = session;
      document.title = `${this.session.notebook.title} · gradgap`;
      this.error = '';
    } catch (error) {
      this.error = `Could not open the notebook: ${(error as Error).message}`;
    }
  }

  /** "Save": back to the file the notebook came from where the browser allows, else a download. */
  async save() {
    const s = this.session;
    if (!s) return;
    const handle = await saveNotebookText(s.fileName, s.currentFileText(), s.handle);
    if (handle && handle !== s.handle) {
      s.handle = handle;
      if (this.user) {
        const found = await loadUserNotebook(this.user);
        if (found) await putUserNotebook({ ...found, handle, fileName: handle.name });
      }
    }
    this.notice = handle ? `Saved to ${handle.name}.` : '';
  }

  /** "Open file…" through the File System Access API where there is one, so that Save can write the file back. */
  /** "Open file…" (a button, so the keyboard reaches it): the browser's file picker that can also write back, else the file input's. */
  private async pickFile() {
    if (!canWriteFiles()) {
      this.querySelector<HTMLInputElement>('.open-file input[type=file]')!.click();
      return;
    }
    const picked = await pickNotebookFile();
    if (picked) await this.openPicked(picked.file, picked.handle);
  }

  private openFile(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) return this.openPicked(file);
  }

  private async openPicked(file: File, handle?: FileSystemFileHandle) {
    this.openedHandle = handle;
    const text = await file.text();
    // The file is its own notebook: its own id in the URL (so a reload reopens it, not the
    // built-in one) and its own autosaved edits; this page's link edits stay with this page.
    const { id, stored } = await storeOpenedFile(file.name, text);
    this.current = `file:${id}`;
    this.isIndex = false;
    const search = new URLSearchParams(location.search);
    search.delete('nb');
    search.set('file', id);
    history.replaceState(null, '', `${location.pathname}?${search}`);
    this.notice = stored
      ? ''
      : `${file.name} could not be stored in this browser (storage is off or full): a reload will not bring it back. Download the notebook to keep your edits.`;
    this.user = undefined;
    await this.openText(this.current, text, { fileName: file.name, handle: this.openedHandle });
  }

  private setBackend(value: BackendChoice) {
    this.backend = value;
    try {
      localStorage.setItem(BACKEND_KEY, value);
    } catch {
      // storage disabled: the choice lasts for this page
    }
    if (this.session) this.session.backend = value;
  }

  /** The reader's own notebooks, under the built-in ones. */
  private renderOwn() {
    if (!this.own.length) return nothing;
    return html`<h2 class="own-heading">Your notebooks</h2>
      <ul class="notebook-list own-notebooks">
        ${this.own.map(
          (n) =>
            html`<li>
              <a href=${`./?user=${n.id}`}>${n.title}</a
              ><span class="summary muted">kept in this browser${n.origin ? ` · a copy of ${n.origin}` : ''} · ${new Date(n.updatedAt).toLocaleString()}</span>
            </li>`,
        )}
      </ul>`;
  }

  override render() {
    return html`
      <header class="topbar">
        <a class="brand" href="./">gradgap</a>
        <nav>
          ${this.entries.map((e) => html`<a href=${`./${e.name}.html`} aria-current=${e.name === this.current && !this.isIndex ? 'page' : 'false'}>${e.title}</a>`)}
          ${this.own.slice(0, 4).map(
            (n) =>
              html`<a
                  class="own"
                  href=${`./?user=${n.id}`}
                  title="your notebook, kept in this browser"
                  aria-current=${`user:${n.id}` === this.current ? 'page' : 'false'}
                  >${n.title}</a
                >`,
          )}
        </nav>
        <span class="tools">
          <label title="auto: WebGPU on a hardware GPU, the CPU twin on a software adapter"
            ><span class="label-text">engine</span>
            <select aria-label="engine" @change=${(e: Event) => this.setBackend((e.target as HTMLSelectElement).value as BackendChoice)}>
              ${(['auto', 'webgpu', 'cpu'] as const).map((b) => choiceOption(b, b === 'cpu' ? 'CPU twin' : b === 'webgpu' ? 'WebGPU' : 'auto', this.backend))}
            </select></label
          >
          <button class="new-notebook" @click=${() => void this.newNotebook()}>New notebook</button>
          <span class="open-file"
            ><button @click=${() => void this.pickFile()}>Open file…</button
            ><input type="file" hidden tabindex="-1" accept=".html,text/html" @change=${(e: Event) => void this.openFile(e)}
          /></span>
          ${this.session && !this.session.notebook.readOnly ? html`<button class="save" title="Ctrl/Cmd+S" @click=${() => void this.save()}>Save</button>` : nothing}
        </span>
      </header>
      <main>
        ${
          this.isIndex
            ? html`<section class="library">
                <p class="lede">
                  Where does RLVR training (REINFORCE / GRPO with pass/fail rewards) converge, and where does it collapse, as a function of the step size? Each
                  notebook below is a short experiment: thousands of simulated training runs, a phase diagram, and the theory's threshold over it. The default
                  one is open below.
                </p>
                <ol class="notebook-list">
                  ${this.entries.map((e) => html`<li><a href=${`./${e.name}.html`}>${e.title}</a><span class="summary">${unsafeHTML(sanitizeHtml(markdownToHtml(e.summary)))}</span></li>`)}
                </ol>
                ${this.renderOwn()}
              </section>`
            : nothing
        }
        ${this.error ? html`<div class="file-issues has-errors" role="alert">${this.error}</div>` : nothing}
        ${this.notice ? html`<div class="file-issues" role="note">${this.notice}</div>` : nothing}
        <gg-notebook .session=${this.session} .wgslHash=${this.wgslHash} width=${Math.min(760, Math.max(360, window.innerWidth - 48))}></gg-notebook>
      </main>
    `;
  }
}

customElements.define('gg-app', GgApp);
