/**
 * The page: a bar with the built-in notebooks, the engine choice and "Open file…", the notebook
 * list on the index page, and the open notebook. Which notebook a page shows comes from its
 * `?file=<id>` (a notebook opened with "Open file…", kept in IndexedDB), else its
 * `<meta name="gradgap-notebook">` (one page per notebook in the built site), else `?nb=`, else
 * the default.
 */
import { LitElement, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { markdownToHtml } from './markdown.ts';
import { sanitizeHtml } from './sanitize.ts';
import type { BackendChoice } from '../engine/index.ts';
import './gg-notebook.ts';
import { DEFAULT_NOTEBOOK, currentWgslHash, library, loadBaked, type LibraryEntry } from './library.ts';
import { openResultCache, type ResultCache } from './result-cache.ts';
import { loadOpenedFile, storeOpenedFile } from './opened-files.ts';
import { NotebookSession } from './session.ts';

const BACKEND_KEY = 'gradgap:backend';

function savedBackend(): BackendChoice {
  try {
    const v = localStorage.getItem(BACKEND_KEY);
    return v === 'webgpu' || v === 'cpu' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** The notebook a page is for: an opened file (?file=), then the meta tag, then ?nb=, then the default. */
export function pageNotebook(doc: Document = document, search = location.search): { name: string; isIndex: boolean; file?: string } {
  const file = new URLSearchParams(search).get('file');
  if (file) return { name: `file:${file}`, isIndex: false, file };
  const meta = doc.querySelector<HTMLMetaElement>('meta[name="gradgap-notebook"]')?.content;
  const param = new URLSearchParams(search).get('nb');
  const name = meta || param || DEFAULT_NOTEBOOK;
  return { name, isIndex: !meta && !param };
}

export class GgApp extends LitElement {
  static override properties = {
    session: { state: true },
    entries: { state: true },
    current: { state: true },
    isIndex: { state: true },
    error: { state: true },
    notice: { state: true },
    wgslHash: { state: true },
    backend: { state: true },
  };
  declare session: NotebookSession | undefined;
  declare entries: LibraryEntry[];
  declare current: string;
  declare isIndex: boolean;
  declare error: string;
  declare notice: string;
  declare wgslHash: string | undefined;
  declare backend: BackendChoice;
  private readonly cache: ResultCache = openResultCache();
  private readonly file: string | undefined; // ?file=: an opened file's id

  constructor() {
    super();
    this.entries = library();
    const page = pageNotebook();
    this.current = page.name;
    this.isIndex = page.isIndex;
    this.file = page.file;
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
    void (this.file ? this.reopenFile(this.file) : this.openBuiltIn(this.current));
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

  private async openText(name: string, text: string, extra: { baked?: Awaited<ReturnType<typeof loadBaked>>; bakedError?: string; fileName?: string } = {}) {
    try {
      this.session = await NotebookSession.open({ name, fileText: text, cache: this.cache, hash: location.hash, backend: this.backend, ...extra });
      document.title = `${this.session.notebook.title} · gradgap`;
      this.error = '';
    } catch (error) {
      this.error = `Could not open the notebook: ${(error as Error).message}`;
    }
  }

  private async openFile(e: Event) {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
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
    await this.openText(this.current, text, { fileName: file.name });
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

  override render() {
    return html`
      <header class="topbar">
        <a class="brand" href="./">gradgap</a>
        <nav>
          ${this.entries.map((e) => html`<a href=${`./${e.name}.html`} aria-current=${e.name === this.current && !this.isIndex ? 'page' : 'false'}>${e.title}</a>`)}
        </nav>
        <span class="tools">
          <label title="auto: WebGPU on a hardware GPU, the CPU twin on a software adapter"
            >engine
            <select @change=${(e: Event) => this.setBackend((e.target as HTMLSelectElement).value as BackendChoice)}>
              ${(['auto', 'webgpu', 'cpu'] as const).map((b) => html`<option value=${b} ?selected=${this.backend === b}>${b === 'cpu' ? 'CPU twin' : b === 'webgpu' ? 'WebGPU' : 'auto'}</option>`)}
            </select></label
          >
          <label class="open-file">Open file…<input type="file" accept=".html,text/html" @change=${(e: Event) => void this.openFile(e)} /></label>
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
