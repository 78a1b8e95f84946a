#!/usr/bin/env node
// Installs dependencies from the lockfile when node_modules is missing or older than the lockfile,
// so that `npm start` and `npm test` work on a fresh clone. Only the npm registry is used.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci) …');
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error('npm ci failed: check your network access to the npm registry, then run `npm ci` yourself.');
    process.exit(res.status ?? 1);
  }
}
