import { defineConfig } from 'vite';
import { notebookPages } from './src/vite/notebook-pages.ts';

export default defineConfig({
  base: './', // the built site works from any folder of a static host
  server: { host: '127.0.0.1', port: 5173 },
  worker: { format: 'es' },
  build: { target: 'es2022' },
  plugins: [notebookPages({ dir: 'notebooks' })],
});
