#!/usr/bin/env node
// The set-up both README commands start with, so that they are the whole set-up on a fresh Debian
// machine. Plain Node, no dependencies: it runs before node_modules exists.
//   node scripts/setup.mjs            dependencies only (npm start)
//   node scripts/setup.mjs --browser  and Chromium for the browser tests (npm test)
// Dependencies are installed only when package-lock.json changed since the last install (npm ci
// deletes node_modules, which would break a test run going on beside a restarted app).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'node_modules', '.gradgap-lockfile-hash');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const say = (line) => console.error(`setup: ${line}`);

function installDependencies() {
  const lockHash = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === lockHash) return;
  say('package-lock.json changed since the last install (or none yet): npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(STAMP, `${lockHash}\n`);
}

function installChromium() {
  if (process.env.CHROME_PATH) return; // the user's choice; the tests say so if it is wrong
  if (CHROMIUM.some((p) => existsSync(p))) return;
  if (!existsSync('/usr/bin/apt-get')) {
    say('no Chromium found and no apt-get: install Chromium or set CHROME_PATH');
    process.exit(2);
  }
  say('no Chromium found: apt-get install chromium');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (...args) => (sudo.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
  apt('update', '-qq');
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  apt('install', '-y', '-qq', 'chromium');
}

installDependencies();
if (process.argv.includes('--browser')) installChromium();
