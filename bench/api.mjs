#!/usr/bin/env node
// `npm run bench:api`: autocannon against the real API (auth on) and the baseline server, route by route,
// plus the resident memory of API and worker. Standalone it makes its own database and data:
//   npm run bench:api -- --tickets 100000 --articles 100000 --duration 10 --connections 10
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  options,
  progress,
  RESULTS_DIR,
  ROOT,
  cpuMs,
  postgresCpuMs,
  rssMiB,
  startNode,
  waitForHttp,
  writeJson,
} from './lib/common.mjs';
import { connect, withBenchDatabase } from './lib/database.mjs';
import { measureEventConsumer } from './lib/events.mjs';
import { load } from './lib/load.mjs';
import { benchRoutes } from './lib/routes.mjs';
import { BENCH_ADMIN, BENCH_AGENT, BENCH_CUSTOMER, seedDemo, seedTickets } from './lib/seed.mjs';
import { runKbBench } from './kb.mjs';

export const API_DEFAULTS = {
  duration: 10,
  warmup: 2,
  rounds: 2,
  connections: 10,
  only: '', // comma-separated substrings of route names
  events: 20_000, // burst through the worker's event consumer (0: skip)
  apiLogLevel: 'warn', // the API's LOG_LEVEL (BENCH_API_LOG_LEVEL): info measures the cost of a request line
};

async function login(port, { email, password }) {
  const res = await globalThis.fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return (await res.json()).accessToken;
}

export async function benchIds(url) {
  const c = await connect(url);
  try {
    const agents = (await c.query(`SELECT id FROM "User" WHERE role = 'AGENT' ORDER BY email LIMIT 50`)).rows;
    const customers = (await c.query(`SELECT id FROM "User" WHERE role = 'CUSTOMER' ORDER BY email LIMIT 50`)).rows;
    // Open tickets spread over the table, for the comment route.
    const tickets = (
      await c.query(`SELECT id FROM "Ticket" WHERE status = 'OPEN' AND "deletedAt" IS NULL
                     ORDER BY hashtext(id::text) LIMIT 2000`)
    ).rows;
    return {
      agents: agents.map((r) => r.id),
      customers: customers.map((r) => r.id),
      tickets: tickets.map((r) => r.id),
    };
  } finally {
    await c.end();
  }
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts API, worker and baseline on the (seeded) database at `url`, loads every route on both servers,
 * and returns { routes: [...], memory: {...} }. Always stops what it started.
 */
export async function runApiBench(url, opts) {
  const secret = crypto.randomBytes(24).toString('hex');
  const prefix = `bench-${crypto.randomBytes(4).toString('hex')}`;
  const [apiPort, basePort] = [await freePort(), await freePort()];
  const common = {
    DATABASE_URL: url,
    JWT_SECRET: secret,
    EMAIL_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const procs = [];
  try {
    progress(`starting API on :${apiPort}, worker, and baseline on :${basePort}`);
    // API_DOCS: the run reads /api/docs-json to skip routes the API lacks (off by default in production).
    const apiEnv = { ...common, PORT: String(apiPort), API_DOCS: 'true', LOG_LEVEL: opts.apiLogLevel ?? 'warn' };
    const api = startNode(path.join(ROOT, 'backend/dist/src/main.js'), [], apiEnv, 'api');
    procs.push(api);
    const worker = startNode(path.join(ROOT, 'worker/dist/src/main.js'), [], common, 'worker');
    procs.push(worker);
    const base = startNode(
      path.join(ROOT, 'bench/baseline-server.mjs'),
      [],
      { ...common, PORT: String(basePort) },
      'baseline',
    );
    procs.push(base);
    await Promise.all([
      // Nest's start-up took 53 s at load average 28 on the shared 2-core machine: 60 s was not enough.
      waitForHttp(`http://127.0.0.1:${apiPort}/api/health`, api, 240_000),
      waitForHttp(`http://127.0.0.1:${basePort}/api/health`, base, 240_000),
    ]);
    const doc = await (
      await globalThis.fetch(`http://127.0.0.1:${apiPort}/api/docs-json`)
    )
      .json()
      .catch(() => ({ paths: {} }));
    const tokens = {
      admin: await login(apiPort, BENCH_ADMIN),
      agent: await login(apiPort, BENCH_AGENT),
      customer: await login(apiPort, BENCH_CUSTOMER),
    };
    const ids = await benchIds(url);
    await settle(3000);
    const memory = {
      apiIdleMiB: rssMiB(api.pid),
      workerIdleMiB: rssMiB(worker.pid),
      baselineIdleMiB: rssMiB(base.pid),
    };
    progress(`idle RSS: API ${memory.apiIdleMiB} MiB, worker ${memory.workerIdleMiB} MiB`);

    const filter = opts.only ? opts.only.split(',').map((s) => s.trim().toLowerCase()) : null;
    const rows = [];
    let apiPeak = 0;
    let workerPeak = 0;
    for (const route of benchRoutes({ tokens, ids })) {
      if (filter && !filter.some((f) => route.name.toLowerCase().includes(f))) continue;
      if (!doc.paths?.[route.apiPath]?.[route.apiMethod]) {
        progress(`${route.name}: not in the API yet, skipped`);
        rows.push({ route: route.name, skipped: 'route not on main yet' });
        continue;
      }
      // API and baseline alternate in `rounds` slices, so that drift in the machine's load (other
      // processes) hits both sides alike. req/s over all slices, p50 = mean, p99 = worst slice.
      const row = { route: route.name };
      const slices = { api: [], baseline: [] };
      const slice = Math.max(1, Math.round(opts.duration / opts.rounds));
      for (const port of [apiPort, basePort]) {
        if (opts.warmup > 0) await load(port, route, { duration: opts.warmup, connections: opts.connections });
      }
      progress(
        `${route.name}: ${opts.rounds} × (${slice} s API, ${slice} s baseline), ${opts.connections} connections`,
      );
      for (let round = 0; round < opts.rounds; round++) {
        for (const [side, port] of [
          ['api', apiPort],
          ['baseline', basePort],
        ]) {
          // CPU of the serving process and of PostgreSQL over the slice: where each side's time goes.
          const server = side === 'api' ? api.pid : base.pid;
          const before = { server: cpuMs(server), db: postgresCpuMs() };
          const result = await load(port, route, {
            duration: slice,
            connections: opts.connections,
            sampleStatus: true,
          });
          result.serverCpuMs = (cpuMs(server) ?? 0) - (before.server ?? 0);
          result.dbCpuMs = postgresCpuMs() - before.db;
          slices[side].push(result);
          if (side === 'api') {
            apiPeak = Math.max(apiPeak, rssMiB(api.pid) ?? 0);
            workerPeak = Math.max(workerPeak, rssMiB(worker.pid) ?? 0);
          }
        }
      }
      for (const side of ['api', 'baseline']) {
        const s = slices[side];
        const requests = s.reduce((a, x) => a + x.requests, 0);
        const r = {
          rps: Math.round((requests / (slice * s.length)) * 10) / 10,
          p50: Math.round((s.reduce((a, x) => a + x.p50, 0) / s.length) * 10) / 10,
          p99: Math.max(...s.map((x) => x.p99)),
          requests,
          errors: s.reduce((a, x) => a + x.errors, 0),
          non2xx: s.reduce((a, x) => a + x.non2xx, 0),
          // Per request: the serving process's CPU (API, or the Fastify baseline) and PostgreSQL's.
          serverCpuMsPerRequest: perRequest(
            s.reduce((a, x) => a + x.serverCpuMs, 0),
            requests,
          ),
          dbCpuMsPerRequest: perRequest(
            s.reduce((a, x) => a + x.dbCpuMs, 0),
            requests,
          ),
          ...(s.some((x) => x.sampleErrors)
            ? { sampleErrors: Object.assign({}, ...s.map((x) => x.sampleErrors ?? {})) }
            : {}),
        };
        row[side] = r;
        progress(
          `  ${side}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}; ` +
            `CPU per request: server ${r.serverCpuMsPerRequest} ms, PostgreSQL ${r.dbCpuMsPerRequest} ms`,
        );
      }
      row.ratio = row.baseline.rps ? Math.round((row.api.rps / row.baseline.rps) * 100) / 100 : null;
      rows.push(row);
    }
    const events = opts.events > 0 ? await measureEventConsumer(url, { events: opts.events }) : { missing: 'skipped' };
    Object.assign(memory, {
      apiAfterLoadMiB: rssMiB(api.pid),
      apiPeakMiB: apiPeak || null,
      workerAfterLoadMiB: rssMiB(worker.pid),
      workerPeakMiB: workerPeak || null,
      baselineAfterLoadMiB: rssMiB(base.pid),
    });
    progress(`after load RSS: API ${memory.apiAfterLoadMiB} MiB, worker ${memory.workerAfterLoadMiB} MiB`);
    for (const p of procs) if (p.dead) throw new Error(`${p.name} died during the benchmark:\n${p.output()}`);
    return {
      routes: rows,
      memory,
      events,
      settings: { duration: opts.duration, rounds: opts.rounds, connections: opts.connections, warmup: opts.warmup },
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}

function perRequest(ms, requests) {
  return requests ? Math.round((ms / requests) * 100) / 100 : null;
}

/** Seeds everything the API bench needs on a migrated database. */
export async function seedForApi(url, { tickets, articles }) {
  await seedDemo(url);
  await seedTickets(url, { tickets });
  return runKbBench(url, { articles, queries: 20 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = options({ ...API_DEFAULTS, tickets: 100_000, articles: 100_000 });
  const result = await withBenchDatabase(async (db) => {
    await seedForApi(db.url, opts);
    return runApiBench(db.url, opts);
  });
  writeJson(path.join(RESULTS_DIR, 'api.json'), { at: new Date().toISOString(), ...result });
  console.log(JSON.stringify(result, null, 2));
}
