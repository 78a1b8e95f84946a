#!/usr/bin/env node
// `npm run bench:kb`: knowledge-base search over N generated articles (default 100k), measured through
// KbSearchService in-process (backend/bench/kb-search.bench.ts) on a fresh database.
//   npm run bench:kb -- --articles 20000 --queries 100
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { options, progress, RESULTS_DIR, ROOT, runNode, writeJson } from './lib/common.mjs';
import { withBenchDatabase } from './lib/database.mjs';

export const KB_DEFAULTS = { articles: 100_000, queries: 200 };

/** Seeds `articles` articles into the (migrated) database at `url` and measures `queries` searches. */
export async function runKbBench(url, { articles, queries }) {
  progress(`kb: seeding ${articles} articles, then ${queries} searches`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-kb-')), 'kb.json');
  await runNode(
    path.join(ROOT, 'backend/dist/bench/kb-search.bench.js'),
    [],
    { DATABASE_URL: url, KB_BENCH_ARTICLES: String(articles), KB_BENCH_QUERIES: String(queries), KB_BENCH_JSON: out },
    'kb-search.bench',
    (line) => {
      const m = /^seeded (\d+)\/(\d+)$/.exec(line);
      if (m && (Number(m[1]) % 20_000 === 0 || m[1] === m[2])) progress(`kb: articles ${m[1]}/${m[2]}`);
    },
  );
  const figures = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  progress(`kb: seeded in ${figures.seedSeconds} s; search p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms`);
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = options(KB_DEFAULTS);
  const figures = await withBenchDatabase((db) => runKbBench(db.url, opts));
  writeJson(path.join(RESULTS_DIR, 'kb.json'), { at: new Date().toISOString(), ...figures });
  console.log(JSON.stringify(figures, null, 2));
}
