// TEMPORARY minimal runner (replaced by the real Prisma-compatible runner): creates the database if
// missing and applies every migration.sql in order, recording them in _prisma_migrations.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseUrl } from '../config.js';

const dir =
  process.env.MIGRATIONS_DIR || fileURLToPath(new URL('../../../../../backend/prisma/migrations', import.meta.url));
const url = databaseUrl();
const u = new URL(url);
const dbName = decodeURIComponent(u.pathname.slice(1));
u.pathname = '/postgres';
const admin = new pg.Client({ connectionString: u.toString() });
await admin.connect();
const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
await admin.end();
const c = new pg.Client({ connectionString: url });
await c.connect();
await c.query(
  `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
);
const done = new Set(
  (await c.query('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL')).rows.map(
    (r) => r.migration_name,
  ),
);
for (const name of fs
  .readdirSync(dir)
  .filter((n) => fs.existsSync(path.join(dir, n, 'migration.sql')))
  .sort()) {
  if (done.has(name)) continue;
  const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
  await c.query('BEGIN');
  await c.query(sql);
  await c.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
    [randomUUID(), createHash('sha256').update(sql).digest('hex'), name],
  );
  await c.query('COMMIT');
  if (!process.env.NIXFLOW_QUIET) console.log(`applied ${name}`);
}
await c.end();
