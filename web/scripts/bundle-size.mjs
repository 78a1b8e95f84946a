#!/usr/bin/env node
// Prints the console's initial JavaScript (what index.html loads before any lazy route), gzipped,
// from Vite's manifest: the entry chunk and its static imports. The budget is 250 KB.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(import.meta.dirname, '../dist');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) visit(dep);
};
visit(entry);
const gz = (file) => gzipSync(fs.readFileSync(path.join(dist, file))).length;
const initial = [...seen].reduce((sum, k) => sum + gz(manifest[k].file), 0);
const lazy = Object.values(manifest)
  .filter((c) => c.file.endsWith('.js'))
  .reduce((sum, c) => sum + gz(c.file), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`console bundle: initial JS ${kb(initial)} gzip (budget 250 KB); all JS ${kb(lazy)} gzip`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ initialGzipBytes: initial, allGzipBytes: lazy }));
