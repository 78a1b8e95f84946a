// A throw-away database per benchmark run: nixflow_bench_<random>, migrated with the project's CLI,
// dropped at the end even when the run fails or is interrupted.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { progress, ROOT, runNode } from './common.mjs';

const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

const urlFor = (name) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin(sql) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

const live = new Set();
let hooked = false;

function hookExit() {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      progress(`${sig}: dropping ${[...live].join(', ') || 'nothing'}`);
      Promise.allSettled([...live].map((db) => db.drop())).finally(() => process.exit(130));
    });
  }
}

/** Creates and migrates a fresh database; `drop()` removes it (idempotent). */
export async function createBenchDatabase() {
  hookExit();
  const name = `nixflow_bench_${randomBytes(5).toString('hex')}`;
  const url = urlFor(name);
  let dropped = false;
  const db = {
    name,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      live.delete(db);
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
  live.add(db);
  progress(`database ${name}: creating and migrating`);
  try {
    await runNode(
      path.join(ROOT, 'packages/db/dist/src/cli/migrate.js'),
      [],
      { DATABASE_URL: url, NIXFLOW_QUIET: '1' },
      'migrate',
    );
  } catch (err) {
    await db.drop().catch(() => undefined);
    throw err;
  }
  return db;
}

/** Runs `fn(db)` on a fresh database and always drops it. */
export async function withBenchDatabase(fn) {
  const db = await createBenchDatabase();
  try {
    return await fn(db);
  } finally {
    await db.drop().catch((e) => progress(`could not drop ${db.name}: ${e.message}`));
    progress(`database ${db.name} dropped`);
  }
}

export async function connect(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}
