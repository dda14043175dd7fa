#!/usr/bin/env node
// `npm run device-kit`: builds dist/device-kit.tar.xz, everything `gradgap bench --host dawn` needs
// on a linux-x64 GPU server that has no Node and no package registry (README.md beside this file).
//
//   node scripts/device-kit/build.mjs [--dir DIR] [--no-node] [--no-xz] [--no-vulkan]
//     --dir DIR     also leave the unpacked kit there (default: a folder under dist/)
//     --no-node     leave out the Node binary (run.sh then uses the `node` on PATH)
//     --no-xz       no archive, only the folder
//     --no-vulkan   leave out libvulkan1 (no apt-get)
// The tests build with --no-node --no-xz: the same bundle, worker and run.sh, in seconds.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const NAME = 'gradgap-device-kit';

// Node 20 lacks Float16Array, which webgpu-utils names at import time (as node-loader/register.mjs
// does for the sources); CommonJS dependencies inside an ES bundle need a `require`.
const BANNER = [
  "import { createRequire as __gradgapCreateRequire } from 'node:module';",
  'const require = __gradgapCreateRequire(import.meta.url);',
  'globalThis.Float16Array ??= class Float16Array extends Uint16Array {};',
].join('\n');

/** Vite's `?raw` imports (the WGSL kernels) become the file's text, as under Vite. */
const rawPlugin = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

/** The chrome host (Playwright, a Vite server) stays out of the kit: `--host chrome` says so. */
const noChromePlugin = {
  name: 'no-chrome-host',
  setup(b) {
    b.onResolve({ filter: /\/chrome-host\.ts$/ }, (args) => ({ path: args.path, namespace: 'no-chrome-host' }));
    b.onLoad({ filter: /.*/, namespace: 'no-chrome-host' }, () => ({
      contents: "export async function openChromeHost() { throw new Error('the device kit runs only --host dawn (no Chromium, Playwright or Vite in it)'); }",
      loader: 'js',
    }));
  },
};

function parse(argv) {
  const o = { dir: null, node: true, xz: true, vulkan: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') o.dir = resolve(argv[++i]);
    else if (a === '--no-node') o.node = false;
    else if (a === '--no-xz') o.xz = false;
    else if (a === '--no-vulkan') o.vulkan = false;
    else throw new Error(`device-kit: unknown option ${a}`);
  }
  return o;
}

async function bundle(kit) {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    plugins: [rawPlugin, noChromePlugin],
    // webgpu loads dawn.node from beside its index.js: it travels as a package (node_modules/webgpu).
    external: ['webgpu'],
    logLevel: 'warning',
    legalComments: 'none',
  };
  await build({ ...common, entryPoints: [join(HERE, 'entry.ts')], outfile: join(kit, 'gradgap.mjs') });
  // The CPU twin's worker (CpuPool starts `new URL('./cpu-worker.ts', import.meta.url)`, which in
  // the bundle is beside gradgap.mjs; the kit's worker entry loads the .mjs of that name).
  await build({ ...common, entryPoints: [join(ROOT, 'src/engine/cpu-worker.ts')], outfile: join(kit, 'cpu-worker.mjs') });
  copyFileSync(join(HERE, 'web-worker-entry.mjs'), join(kit, 'web-worker-entry.mjs'));
}

function copyWebgpu(kit) {
  const from = join(ROOT, 'node_modules/webgpu');
  const to = join(kit, 'node_modules/webgpu');
  mkdirSync(join(to, 'dist/linux-x64'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(from, f), join(to, f));
  copyFileSync(join(from, 'dist/linux-x64/dawn.node'), join(to, 'dist/linux-x64/dawn.node'));
}

/** Debian's libvulkan1 (the Vulkan loader), fetched once with apt-get and cached. */
function vulkanLoader(kit) {
  const cache = join(ROOT, 'node_modules/.cache/gradgap-device-kit');
  mkdirSync(cache, { recursive: true });
  let deb = readdirSync(cache).find((f) => /^libvulkan1_.*\.deb$/.test(f));
  if (!deb) {
    const download = () => execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: cache, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      download();
    } catch {
      execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'] });
      download();
    }
    deb = readdirSync(cache).find((f) => /^libvulkan1_.*\.deb$/.test(f));
    if (!deb) throw new Error('device-kit: apt-get download libvulkan1 left no .deb');
  }
  const unpacked = mkdtempSync(join(tmpdir(), 'libvulkan1-'));
  try {
    execFileSync('dpkg', ['-x', join(cache, deb), unpacked]);
    const libDir = join(unpacked, 'usr/lib/x86_64-linux-gnu');
    mkdirSync(join(kit, 'lib'), { recursive: true });
    // Links as links (libvulkan.so.1 → libvulkan.so.1.3.239); tar keeps them.
    cpSync(libDir, join(kit, 'lib'), { recursive: true, verbatimSymlinks: true });
    const docs = join(unpacked, 'usr/share/doc/libvulkan1/copyright');
    if (existsSync(docs)) copyFileSync(docs, join(kit, 'lib/libvulkan1.copyright'));
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
  return deb;
}

const size = (p) => statSync(p).size;
const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function main() {
  const o = parse(process.argv.slice(2));
  const started = Date.now();
  const dist = join(ROOT, 'dist');
  const parent = o.dir ?? join(dist, 'device-kit.d');
  const kit = join(parent, NAME);
  rmSync(kit, { recursive: true, force: true });
  mkdirSync(kit, { recursive: true });

  await bundle(kit);
  copyWebgpu(kit);
  const deb = o.vulkan ? vulkanLoader(kit) : null;
  if (o.node) copyFileSync(process.execPath, join(kit, 'node'));
  // dawn.node needs GLIBCXX_3.4.30 (GCC 12's libstdc++); run.sh puts this one on the path only
  // where the system's is older, so the NVIDIA driver otherwise keeps the system's.
  const libstdcxx = '/usr/lib/x86_64-linux-gnu/libstdc++.so.6';
  if (existsSync(libstdcxx)) {
    mkdirSync(join(kit, 'lib-compat'), { recursive: true });
    copyFileSync(realpathSync(libstdcxx), join(kit, 'lib-compat/libstdc++.so.6'));
  }
  copyFileSync(join(HERE, 'run.sh'), join(kit, 'run.sh'));
  chmodSync(join(kit, 'run.sh'), 0o755);
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  writeFileSync(
    join(kit, 'VERSION'),
    `gradgap ${version} (commit ${commit}, working tree as built)\n` +
      `node ${o.node ? process.version : '(not included: uses node on PATH)'}\n` +
      `webgpu ${JSON.parse(readFileSync(join(ROOT, 'node_modules/webgpu/package.json'), 'utf8')).version}\n` +
      `libvulkan1 ${deb ?? '(not included)'}\n` +
      `built ${new Date().toISOString()}\n`,
  );

  const lines = [`device kit folder: ${kit}`];
  if (o.xz) {
    const archive = join(dist, 'device-kit.tar.xz');
    mkdirSync(dist, { recursive: true });
    rmSync(archive, { force: true });
    // -9e would gain little; -T0 lets xz use the cores it has (one block per 192 MiB at -9).
    execFileSync('sh', ['-c', `tar -C "$1" -cf - ${NAME} | xz -9 -T0 -c > "$2"`, 'sh', parent, archive], { stdio: 'inherit' });
    const bytes = size(archive);
    lines.push(`archive: ${archive} ${mib(bytes)} (${bytes} bytes)${bytes > 64 * 2 ** 20 ? ' — OVER the 64 MiB limit' : ''}`);
    if (bytes > 64 * 2 ** 20) process.exitCode = 1;
  }
  lines.push(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
