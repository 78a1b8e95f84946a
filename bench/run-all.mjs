#!/usr/bin/env node
// `npm run bench`: every benchmark on this machine, one table in bench/results/results.{md,json}.
//   1. a fresh database nixflow_bench_<random> (dropped at the end, even on failure), seeded set-based:
//      demo users/workflow/SLA policies, 100k tickets with SLA metrics, 100k KB articles;
//   2. KB search latency in-process (bench:kb), 3. the API routes against the baseline (bench:api),
//   4. EXPLAIN (ANALYZE, BUFFERS) of the hot queries, 5. the SLA worker (`npm run bench:sla`, folded in).
// Sizes: --tickets, --articles, --kb-queries, --duration, --warmup, --connections, --skip-sla, --only
// (or BENCH_TICKETS, BENCH_ARTICLES, ... in the environment); --sla-args="..." is passed to bench:sla.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { options, progress, RESULTS_DIR, ROOT, writeJson } from './lib/common.mjs';
import { withBenchDatabase } from './lib/database.mjs';
import { explainHotQueries } from './lib/plans.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { seedDemo, seedTickets } from './lib/seed.mjs';
import { API_DEFAULTS, benchIds, runApiBench } from './api.mjs';
import { KB_DEFAULTS, runKbBench } from './kb.mjs';

const opts = options({
  ...API_DEFAULTS,
  tickets: 100_000,
  articles: KB_DEFAULTS.articles,
  kbQueries: KB_DEFAULTS.queries,
  skipSla: false,
  slaArgs: '', // passed to bench:sla, e.g. "--sizes 10000,100000,1000000"
});

function npmRun(script, args = []) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

async function runSla() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (!pkg.scripts?.['bench:sla']) return { missing: 'npm run bench:sla is not on main yet' };
  const file = path.join(RESULTS_DIR, 'sla.json');
  const before = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
  progress('SLA worker: npm run bench:sla');
  const code = await npmRun('bench:sla', opts.slaArgs.split(/\s+/).filter(Boolean));
  if (code !== 0) return { failed: `npm run bench:sla exited with ${code}` };
  if (!fs.existsSync(file) || fs.statSync(file).mtimeMs === before)
    return { failed: 'bench:sla wrote no bench/results/sla.json' };
  return { results: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

const t0 = Date.now();
const machine = {
  cpus: (await import('node:os')).cpus().length,
  memGiB: Math.round((await import('node:os')).totalmem() / 2 ** 30),
  node: process.version,
  loadAverage1m: (await import('node:os')).loadavg()[0],
  commit: (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  })(),
};
progress(
  `sizes: ${opts.tickets} tickets, ${opts.articles} articles; ${opts.duration} s × ${opts.connections} connections per route`,
);
const { kb, api, plans, seeded } = await withBenchDatabase(async (db) => {
  await seedDemo(db.url);
  const seeded = await seedTickets(db.url, { tickets: opts.tickets });
  const kb = await runKbBench(db.url, { articles: opts.articles, queries: opts.kbQueries });
  const api = await runApiBench(db.url, opts);
  progress('EXPLAIN (ANALYZE, BUFFERS) of the hot queries');
  const plans = await explainHotQueries(db.url, await benchIds(db.url));
  return { kb, api, plans, seeded };
});
const sla = opts.skipSla ? { missing: 'skipped (--skip-sla)' } : await runSla();

const results = {
  at: new Date().toISOString(),
  durationSeconds: Math.round((Date.now() - t0) / 1000),
  machine,
  sizes: { tickets: seeded.tickets, slaMetrics: seeded.metrics, articles: kb.articlesInTable },
  settings: api.settings,
  api: api.routes,
  memory: api.memory,
  events: api.events,
  kb,
  sla,
  plans,
};
writeJson(path.join(RESULTS_DIR, 'results.json'), results);
const md = renderMarkdown(results);
fs.writeFileSync(path.join(RESULTS_DIR, 'results.md'), md);
progress(`done in ${results.durationSeconds} s: bench/results/results.md and results.json`);
console.log(md.split('\n## Plans')[0]);
