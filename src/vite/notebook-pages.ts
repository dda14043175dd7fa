/**
 * Vite plugin for the published site (SPEC 2.3): one page per notebook in notebooks/, made from
 * index.html with the notebook named in a `<meta name="gradgap-notebook">` and its title, served
 * the same way in dev; and a Content-Security-Policy on every built page. Like Notebook Kit's
 * Vite plugin, the site is built from the notebooks themselves.
 *
 * @example
 *   // vite.config.ts
 *   plugins: [notebookPages({ dir: 'notebooks' })]
 */
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
// Vite bundles this file with its config and follows every import, dynamic ones too: the notebook
// barrel would lead it into the engine's `?raw` shader imports, which a config bundle cannot load.
// eslint-disable-next-line house/imports
import { parseNotebook } from '../notebook/parse.ts';

/**
 * Scripts only from this origin (nothing inline, no eval); styles inline are allowed because
 * Observable Plot and KaTeX style their output with style attributes; no frames, forms or plugins.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface NotebookPage {
  name: string; // page is <name>.html
  title: string;
}

/**
 * The largest file the site reads or publishes: notebooks are a few hundred KiB and logs a few MiB;
 * anything past this is a mistake (or a trap) and is left out.
 */
export const SITE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Whether `name` in `dir` is a file the site may read and publish: a regular file, not a symlink
 * (a link could lead anywhere — ~/.ssh, /proc/self/environ — and the build would publish it), not
 * a FIFO or device (reading one hangs or never ends), within SITE_FILE_BYTES.
 */
export function isPublishable(path: string): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return st !== undefined && st.isFile() && st.size <= SITE_FILE_BYTES;
}

export function notebookList(dir: string): NotebookPage[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[\w-]+\.html$/.test(f) && isPublishable(join(dir, f)))
    .map((f) => ({ name: f.replace(/\.html$/, ''), title: parseNotebook(readFileSync(join(dir, f), 'utf8')).notebook.title }));
}

/** index.html turned into the page of one notebook. */
export function pageHtml(indexHtml: string, page: NotebookPage): string {
  return indexHtml
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(page.title)} · gradgap</title>`)
    .replace('</head>', `  <meta name="gradgap-notebook" content="${escapeHtml(page.name)}" />\n  </head>`);
}

/** The policy as the first element after the charset declaration. */
export function withCsp(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
  const charset = /<meta charset="[^"]*"\s*\/?>/i.exec(html);
  return charset ? html.replace(charset[0], `${charset[0]}\n    ${meta}`) : html.replace('<head>', `<head>\n    ${meta}`);
}

/**
 * Every publishable file under `dir`/data (the logs cells' files), as paths relative to `dir` with
 * '/' separators. Symlinks (to files or folders), special files and oversized files are left out:
 * the site publishes what is in the folder, never what a link points at.
 */
export function dataFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return; // a symlinked folder is not walked
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (lstatSync(full).isDirectory()) walk(full);
      else if (isPublishable(full)) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(join(dir, 'data'));
  return out.sort();
}

export function notebookPages(options: { dir: string }): Plugin {
  const dir = resolve(options.dir);
  return {
    name: 'gradgap-notebook-pages',
    configureServer(server) {
      // Logs cells read data/… beside the page: the same paths as beside the notebook file.
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split(/[?#]/)[0]).replace(/^\//, '');
        if (!path.startsWith('data/') || !dataFiles(dir).includes(path)) return next();
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(readFileSync(join(dir, path)));
      });
      server.middlewares.use(async (req, res, next) => {
        const m = /^\/([\w-]+)\.html(?:[?#].*)?$/.exec(req.url ?? '');
        const page = m && m[1] !== 'index' ? notebookList(dir).find((p) => p.name === m[1]) : undefined;
        if (!page) return next();
        const html = await server.transformIndexHtml(req.url!, pageHtml(readFileSync(resolve('index.html'), 'utf8'), page));
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(html);
      });
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        return ctx.server ? html : withCsp(html); // dev needs Vite's inline client; the built pages get the policy
      },
    },
    generateBundle: {
      order: 'post', // after Vite's HTML plugin has emitted index.html
      handler(_options, bundle) {
        const index = bundle['index.html'];
        if (!index || index.type !== 'asset') this.error('index.html is not in the bundle: cannot make the notebook pages');
        for (const page of notebookList(dir)) {
          this.emitFile({ type: 'asset', fileName: `${page.name}.html`, source: pageHtml(String(index.source), page) });
        }
        // The logs cells' files, at the paths they give (data/… beside the pages), fetched same-origin (CSP connect-src 'self').
        for (const file of dataFiles(dir)) this.emitFile({ type: 'asset', fileName: file, source: readFileSync(join(dir, file)) });
      },
    },
  };
}
