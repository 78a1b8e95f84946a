#!/usr/bin/env node
// Test entry point (npm test). Immich-style isolation: migrate once into a template database,
// then every test file clones it with CREATE DATABASE … TEMPLATE and drops its clone at the end.
// Files run in parallel; nothing is truncated; this script drops whatever the run left behind.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const runId = randomBytes(4).toString('hex');
const template = `nixflow_tpl_${runId}`;

function findTests(dir, out = [], suffix = '.test.js') {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(p, out, suffix);
    else if (entry.name.endsWith(suffix)) out.push(p);
  }
  return out;
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

// BullMQ keys the run's tests left on the shared Redis (testQueuePrefix() puts the run id in them).
async function deleteRunQueueKeys() {
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `nixflow-test-${runId}-*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (err) {
    console.warn(`warning: could not delete this run's Redis keys (nixflow-test-${runId}-*): ${err.message}`);
  } finally {
    redis.disconnect();
  }
}

async function dropRunDatabases() {
  const { rows } = await admin(`SELECT datname FROM pg_database WHERE datname LIKE 'nixflow\\_%\\_${runId}%'`);
  for (const { datname } of rows) await admin(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}

// Tiers: `npm test` runs every test but the long ones (soak, outages, killed processes: *.long.test.*);
// `--long` runs only those (CI runs both); `reliability` (npm run test:reliability) runs that folder, long
// ones included. Other arguments select files by a substring of their path.
// `--ts` runs the TypeScript sources (`<package>/test/**/*.test.ts`) without a build: SWC compiles them on
// load (it emits the decorator metadata NestJS injects by), and the workspace packages resolve to their
// `src` through the `nixflow-source` export condition. Only `prisma generate` must have run.
// Tests that start the real API or worker process (dist/src/main.js) still need `npm run build`.
const args = process.argv.slice(2);
const longOnly = args.includes('--long');
const fromSource = args.includes('--ts');
const filter = args.filter((a) => a !== '--long' && a !== '--ts');
const isLong = (f) => /\.long\.test\.(js|mjs|ts)$/.test(f);
const packages = [
  'packages/core',
  'packages/db',
  'packages/domain',
  'packages/storage',
  'packages/client',
  'backend',
  'worker',
];
const files = (
  fromSource
    ? packages.flatMap((p) => findTests(path.join(root, p, 'test'), [], '.test.ts'))
    : packages.flatMap((p) => findTests(path.join(root, p, 'dist', 'test')))
)
  .concat(findTests(path.join(root, 'tests'), [], '.test.mjs'))
  // Match on the path inside the repository, so the checkout directory name never matches by accident.
  .filter((f) => filter.length === 0 || filter.some((x) => path.relative(root, f).includes(x)))
  .filter((f) => (longOnly ? isLong(f) : filter.length > 0 || !isLong(f)))
  .sort();
if (files.length === 0) {
  console.error(fromSource ? 'No test files match.' : 'No compiled test files found: run `npm run build` first.');
  process.exit(1);
}

// Loader flags for the test processes (node --test hands its own flags to each file's process); the real
// API and worker processes that some tests spawn from dist/ run without them.
const sourceArgs = fromSource
  ? [
      `--import=${pathToFileURL(path.join(root, 'node_modules/@swc-node/register/esm/esm-register.mjs')).href}`,
      '--conditions=nixflow-source',
    ]
  : [];
const sourceEnv = fromSource ? { SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json') } : {};
const migrateCli = fromSource ? 'packages/db/src/cli/migrate.ts' : 'packages/db/dist/src/cli/migrate.js';

try {
  await admin('SELECT 1');
} catch (err) {
  console.error(
    `PostgreSQL is not reachable at ${adminUrl} (${err.message}). Start it, or set TEST_ADMIN_DATABASE_URL.`,
  );
  process.exit(1);
}

let status = 1;
try {
  await admin(`CREATE DATABASE "${template}"`);
  const templateUrl = adminUrl.replace(/\/[^/?]*(\?|$)/, `/${template}$1`);
  const migrate = spawnSync(process.execPath, [...sourceArgs, path.join(root, migrateCli)], {
    env: { ...process.env, ...sourceEnv, DATABASE_URL: templateUrl, NIXFLOW_QUIET: '1' },
    stdio: 'inherit',
  });
  if (migrate.status !== 0) throw new Error('migrating the test template database failed');
  const concurrency = process.env.TEST_CONCURRENCY || '2';
  const res = spawnSync(process.execPath, [...sourceArgs, '--test', `--test-concurrency=${concurrency}`, ...files], {
    env: {
      ...process.env,
      ...sourceEnv,
      NIXFLOW_TEST_TEMPLATE_DB: template,
      NIXFLOW_TEST_RUN_ID: runId,
      TEST_ADMIN_DATABASE_URL: adminUrl,
    },
    stdio: 'inherit',
  });
  status = res.status ?? 1;
} catch (err) {
  console.error(`Test run failed before tests ran: ${err.message}`);
} finally {
  await dropRunDatabases();
  await deleteRunQueueKeys();
}
process.exit(status);
