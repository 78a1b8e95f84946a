/**
 * npm run bench:sla [-- --n 100000 --sizes 10000,100000 --delay-seconds 30 --rate 20 --skip-delay --out file.json]
 *
 * Creates a throw-away database (migrated with packages/db's migrate CLI), seeds N open tickets with two
 * SLA metrics each (set-based INSERT … SELECT generate_series), and measures:
 *  - one monitoring pass (SlaSweeper.sweep, what the worker's job runs) with 0 due metrics and with k newly
 *    due metrics (k = 100, 1 000, 10 000), for every N in --sizes (how it grows with N);
 *  - EXPLAIN (ANALYZE, BUFFERS) of the idle probe and the sweep statements at the largest N (rolled back);
 *  - breach detection delay (detectedAt − dueAt) p50/p99 while the real worker process runs at its default
 *    default interval (1 s) and at 10 s, under a steady stream of metrics becoming due.
 * Prints a Markdown table and writes bench/results/sla.json. The database is dropped at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import pg from 'pg';
import { EMAIL_OUTBOUND_QUEUE, EVENT_CONSUMER_QUEUE, SLA_MONITOR_QUEUE } from '@nixflow/core';
import { createPrismaClient, type Prisma } from '@nixflow/db/client';
import { SlaSweeper } from '../src/sla/sla-sweep.service.js';
import { atRiskBatchSql, breachBatchSql, SWEEP_PROBE_SQL } from '../src/sla/sla-sweep.sql.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const WORKER_MAIN = path.resolve(import.meta.dirname, '../src/main.js');
const MIGRATE = path.join(ROOT, 'packages/db/dist/src/cli/migrate.js');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const N = Number(arg('n') ?? 100_000);
const SIZES = (arg('sizes') ?? `${Math.min(10_000, N)},${N}`)
  .split(',')
  .map(Number)
  .filter((x, i, all) => x > 0 && all.indexOf(x) === i)
  .sort((a, b) => a - b);
const KS = [100, 1_000, 10_000];
const IDLE_PASSES = 50;
const DELAY_SECONDS = Number(arg('delay-seconds') ?? 30);
const DELAY_RATE = Number(arg('rate') ?? 20); // metrics becoming due per second

const t0 = performance.now();
const log = (msg: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
const ms = (start: number) => Math.round((performance.now() - start) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const iso = (d: Date) => d.toISOString();

interface PassRow {
  n: number;
  openMetrics: number;
  seedMs: number;
  pass0Ms: number;
  /** CPU time of this (the worker's) process per idle pass; the database's share is in pass0Ms. */
  pass0NodeCpuMs: number;
  passes: Array<{ k: number; ms: number; breached: number }>;
}
interface DelayRow {
  intervalMs: number;
  metrics: number;
  detected: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']); // the sweeper logs every pass at info
  const dbName = `nixflow_bench_sla_${randomBytes(4).toString('hex')}`;
  const url = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  log(`database ${dbName}; sizes ${SIZES.join(', ')}; k ${KS.join(', ')}`);
  await admin(`CREATE DATABASE "${dbName}"`);
  const db = new pg.Client({ connectionString: url });
  const prisma = createPrismaClient(url, 4);
  // As the worker runs it: the probe on a connection of its own (named prepared statement).
  const probeDb = new pg.Pool({ connectionString: url, max: 1 });
  const results: { sizes: PassRow[]; explain: Record<string, string>; delay: DelayRow[] } = {
    sizes: [],
    explain: {},
    delay: [],
  };
  try {
    const mig = spawnSync(process.execPath, [MIGRATE], {
      env: { ...process.env, DATABASE_URL: url, NIXFLOW_QUIET: '1' },
      stdio: 'inherit',
    });
    if (mig.status !== 0) throw new Error(`migrate exited ${mig.status}`);
    await db.connect();
    log('migrated');
    const { rows: u } = await db.query(
      `INSERT INTO "User" ("email", "name", "role", "updatedAt") VALUES ('bench@example.test', 'Bench', 'CUSTOMER', now()) RETURNING "id"`,
    );
    const { rows: p } = await db.query(
      `INSERT INTO "SLAPolicy" ("name", "targets", "updatedAt") VALUES ('bench', '{"FIRST_RESPONSE":{"NORMAL":240},"RESOLUTION":{"NORMAL":960}}', now()) RETURNING "id"`,
    );
    const requesterId = u[0].id as string;
    const policyId = p[0].id as string;
    const sweeper = new SlaSweeper(prisma, undefined, probeDb);
    let tickets = 0;

    for (const n of SIZES) {
      const seedStart = performance.now();
      await seed(db, requesterId, policyId, n - tickets);
      tickets = n;
      await db.query('VACUUM ANALYZE "Ticket", "SLAMetric", "SLABreach", "EventLog"');
      const seedMs = ms(seedStart);
      const open = Number(
        (await db.query(`SELECT count(*) FROM "SLAMetric" WHERE "status" IN ('ACTIVE', 'AT_RISK', 'PAUSED')`)).rows[0]
          .count,
      );
      log(`N = ${n}: ${open} open metrics (seeded in ${(seedMs / 1000).toFixed(1)} s)`);
      for (let i = 0; i < 3; i++) await sweeper.sweep(new Date()); // warm up (connections, caches)
      const zero: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < IDLE_PASSES; i++) {
        const s = performance.now();
        await sweeper.sweep(new Date());
        zero.push(ms(s));
      }
      const cpu = process.cpuUsage(cpu0);
      const row: PassRow = {
        n,
        openMetrics: open,
        seedMs,
        pass0Ms: median(zero),
        pass0NodeCpuMs: Math.round(((cpu.user + cpu.system) / 1000 / IDLE_PASSES) * 100) / 100,
        passes: [],
      };
      log(
        `  pass with 0 due: ${row.pass0Ms} ms (median of ${IDLE_PASSES}), ${row.pass0NodeCpuMs} ms Node CPU per pass`,
      );
      for (const k of KS.filter((k) => k <= n)) {
        await makeDue(db, k, new Date());
        const s = performance.now();
        const r = await sweeper.sweep(new Date());
        row.passes.push({ k, ms: ms(s), breached: r.breached });
        log(`  pass with ${k} due: ${ms(s)} ms, ${r.breached} breached`);
        if (r.breached !== k) throw new Error(`expected ${k} breaches, got ${r.breached}`);
      }
      results.sizes.push(row);
    }

    log(`EXPLAIN (ANALYZE, BUFFERS) at N = ${tickets} (rolled back)`);
    results.explain['idle probe'] = await explain(db, { text: SWEEP_PROBE_SQL, values: [] } as unknown as Prisma.Sql);
    results.explain['breach pass, 0 due'] = await explain(db, breachBatchSql(new Date(), 5000));
    results.explain['at-risk pass, 0 warned'] = await explain(db, atRiskBatchSql(new Date(), 5000));
    // Committed first: rows updated by the explaining transaction itself would fire extra FK checks.
    await makeDue(db, 1000, new Date());
    results.explain['breach pass, 1000 due'] = await explain(db, breachBatchSql(new Date(), 5000));
    await sweeper.sweep(new Date());

    if (!flag('skip-delay')) {
      for (const intervalMs of [10_000, 1_000]) {
        results.delay.push(await measureDelay(db, url, intervalMs));
      }
    }
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await probeDb.end().catch(() => undefined);
    await db.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((e: Error) =>
      log(`drop failed: ${e.message}`),
    );
    log(`dropped ${dbName}`);
  }
  report(results);
}

/** n more open tickets, each with an ACTIVE FIRST_RESPONSE and RESOLUTION metric due 1 h … 30 days ahead. */
async function seed(db: pg.Client, requesterId: string, policyId: string, n: number): Promise<void> {
  if (n <= 0) return;
  // Short transactions: the event consumer of every database in the cluster waits for the oldest running one.
  const chunk = 20_000;
  for (let done = 0; done < n; done += chunk) {
    const m = Math.min(chunk, n - done);
    await db.query('BEGIN');
    await db.query(
      `WITH t AS (
         INSERT INTO "Ticket" ("subject", "description", "requesterId", "updatedAt")
         SELECT 'Bench ticket ' || g, 'bench', $1, now() FROM generate_series(1, $2::int) g
         RETURNING "id"
       )
       INSERT INTO "SLAMetric" ("ticketId", "policyId", "type", "targetMinutes", "status", "startedAt", "dueAt", "warningAt", "updatedAt")
       SELECT t."id", $3, v."type"::"SLABreachType", v."minutes", 'ACTIVE', x."now" - interval '30 minutes', d."due",
              d."due" - interval '30 minutes', x."now"
       FROM t
       CROSS JOIN (VALUES ('FIRST_RESPONSE', 240), ('RESOLUTION', 960)) v("type", "minutes")
       CROSS JOIN (SELECT (now() AT TIME ZONE 'UTC')::timestamp(3) AS "now") x
       CROSS JOIN LATERAL (
         SELECT x."now" + interval '1 hour' + (abs(hashtext(t."id"::text || v."type")) % 2592000) * interval '1 second' AS "due"
       ) d`,
      [requesterId, m, policyId],
    );
    await db.query('COMMIT');
    if ((done + m) % 100_000 === 0 || done + m === n) log(`  seeded ${done + m} / ${n} tickets`);
  }
}

/** k open metrics become due (1 s ago). */
async function makeDue(db: pg.Client, k: number, now: Date): Promise<void> {
  await db.query(
    `UPDATE "SLAMetric" SET "dueAt" = $1::timestamp(3), "warningAt" = $1::timestamp(3)
     WHERE "id" IN (SELECT "id" FROM "SLAMetric" WHERE "status" = 'ACTIVE' LIMIT $2)`,
    [iso(new Date(now.getTime() - 1000)), k],
  );
}

/** EXPLAIN ANALYZE executes the statement: inside a transaction that is rolled back. */
async function explain(db: pg.Client, sql: Prisma.Sql): Promise<string> {
  await db.query('BEGIN');
  try {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values as unknown[]);
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  } finally {
    await db.query('ROLLBACK');
  }
}

/**
 * Runs the real worker at `intervalMs` and lets a steady stream of metrics become due (DELAY_RATE per
 * second for DELAY_SECONDS), then reads detectedAt − dueAt of their breaches.
 */
async function measureDelay(db: pg.Client, url: string, intervalMs: number): Promise<DelayRow> {
  const prefix = `nixflow-bench-${randomBytes(4).toString('hex')}`;
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SLA_MONITOR_INTERVAL_MS: String(intervalMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  try {
    const deadline = Date.now() + 60_000;
    // An idle sweep logs at debug only: wait for the worker to be up, then for its first sweeps to have run.
    while (!/nixflow worker started/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not start:\n${out}`);
      await sleep(100);
    }
    await sleep(2000);
    const count = Math.round(DELAY_SECONDS * DELAY_RATE);
    const start = new Date(Date.now() + 1000);
    // Due instants spread evenly over the window: a steady stream of metrics becoming due.
    const { rows } = await db.query(
      `WITH pick AS (
         SELECT "id", row_number() OVER () - 1 AS i FROM "SLAMetric"
         WHERE "status" = 'ACTIVE' LIMIT $1
       )
       UPDATE "SLAMetric" m
       SET "dueAt" = $2::timestamp(3) + (p.i * $3::float8) * interval '1 millisecond',
           "warningAt" = $2::timestamp(3) + (p.i * $3::float8) * interval '1 millisecond'
       FROM pick p WHERE m."id" = p."id"
       RETURNING m."id"`,
      [count, iso(start), (DELAY_SECONDS * 1000) / count],
    );
    const ids = rows.map((r: { id: string }) => r.id);
    log(`delay @ ${intervalMs} ms: ${ids.length} metrics due over ${DELAY_SECONDS} s …`);
    const end = start.getTime() + DELAY_SECONDS * 1000 + intervalMs + 3000;
    while (Date.now() < end) {
      await sleep(Math.min(5000, end - Date.now()));
      const { rows: c } = await db.query(
        `SELECT count(*)::int AS n FROM "SLABreach" WHERE "metricId" = ANY($1::uuid[])`,
        [ids],
      );
      log(`  ${c[0].n} / ${ids.length} breached`);
    }
    const { rows: d } = await db.query(
      `SELECT EXTRACT(EPOCH FROM ("detectedAt" - "dueAt")) * 1000 AS ms FROM "SLABreach" WHERE "metricId" = ANY($1::uuid[])`,
      [ids],
    );
    const delays = d.map((r: { ms: string }) => Number(r.ms));
    const row: DelayRow = {
      intervalMs,
      metrics: ids.length,
      detected: delays.length,
      p50Ms: pct(delays, 50),
      p99Ms: pct(delays, 99),
      maxMs: delays.length ? Math.max(...delays) : null,
    };
    log(`  p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, max ${row.maxMs} ms`);
    return row;
  } finally {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    }
    for (const name of [SLA_MONITOR_QUEUE, EVENT_CONSUMER_QUEUE, EMAIL_OUTBOUND_QUEUE]) {
      const q = new Queue(name, { connection: { url: REDIS_URL }, prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
  }
}

function report(results: { sizes: PassRow[]; explain: Record<string, string>; delay: DelayRow[] }): void {
  const lines: string[] = [];
  lines.push(`## SLA monitoring benchmark (${os.cpus().length} CPUs, Node ${process.version})`, '');
  lines.push(
    `| N open tickets | open metrics | pass, 0 due (ms) | Node CPU per idle pass (ms) | ${KS.map((k) => `pass, ${k} due (ms)`).join(' | ')} |`,
    `| ---: | ---: | ---: | ---: | ${KS.map(() => '---:').join(' | ')} |`,
  );
  for (const r of results.sizes) {
    const cells = KS.map((k) => r.passes.find((p) => p.k === k)?.ms ?? '–');
    lines.push(`| ${r.n} | ${r.openMetrics} | ${r.pass0Ms} | ${r.pass0NodeCpuMs} | ${cells.join(' | ')} |`);
  }
  if (results.delay.length) {
    lines.push('', '| worker interval | metrics due | detected | delay p50 (ms) | delay p99 (ms) | max (ms) |');
    lines.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const d of results.delay) {
      lines.push(`| ${d.intervalMs} ms | ${d.metrics} | ${d.detected} | ${d.p50Ms} | ${d.p99Ms} | ${d.maxMs} |`);
    }
  }
  for (const [name, plan] of Object.entries(results.explain)) {
    lines.push('', `### EXPLAIN (ANALYZE, BUFFERS): ${name}`, '', '```', plan, '```');
  }
  console.log(lines.join('\n'));
  const out = path.resolve(arg('out') ?? path.join(ROOT, 'bench/results/sla.json'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      { at: new Date().toISOString(), cpus: os.cpus().length, node: process.version, ...results },
      null,
      2,
    ) + '\n',
  );
  log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
