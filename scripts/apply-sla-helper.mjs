#!/usr/bin/env node
// Helper of apply_sla_migration.sh and .bat: one implementation, so both print and do the same thing,
// and the database URL (with its password) never passes through shell or cmd quoting.
//   show-url        prints "[1/9] Using DATABASE_URL: <URL with the password hidden>" (or DATABASE_DIRECT_URL / DIRECT_URL when set)
//   pg-dump <file>  pg_dump of DATABASE_URL into <file>; exit 127 when pg_dump is not installed
//   client-stale    exit 0 when the generated Prisma client is missing or older than schema.prisma
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Prisma-only URL parameters, which libpq (pg_dump, psql) rejects: "invalid URI query parameter".
const PRISMA_ONLY_PARAMS = ['schema', 'connection_limit', 'pool_timeout', 'pgbouncer', 'socket_timeout'];

function parse(value) {
  try {
    return new URL(value);
  } catch {
    return undefined; // a libpq "host=… dbname=…" string
  }
}

function redacted(value) {
  const url = parse(value);
  if (!url) return value.replace(/password=\S+/g, 'password=***');
  if (url.password) url.password = '***';
  return url.toString();
}

function libpqUrl(value) {
  const url = parse(value);
  if (!url) return value;
  for (const key of PRISMA_ONLY_PARAMS) url.searchParams.delete(key);
  return url.toString();
}

const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : undefined);
const [command, arg] = process.argv.slice(2);
// Migrations and their checks use the direct URL when there is one (DATABASE_URL may be a pooler).
const urlSetting = ['DATABASE_DIRECT_URL', 'DIRECT_URL', 'DATABASE_URL'].find((k) => process.env[k]) ?? 'DATABASE_URL';
const databaseUrl = process.env[urlSetting] ?? '';

if (command === 'show-url') {
  console.log(`[1/9] Using ${urlSetting}: ${redacted(databaseUrl)}`);
} else if (command === 'pg-dump' && arg) {
  const out = fs.openSync(arg, 'w');
  const res = spawnSync('pg_dump', ['--no-owner', '--no-privileges', libpqUrl(databaseUrl)], {
    stdio: ['ignore', out, 'inherit'],
  });
  fs.closeSync(out);
  process.exit(res.error?.code === 'ENOENT' ? 127 : (res.status ?? 1));
} else if (command === 'client-stale') {
  const client = mtime(path.join(root, 'packages/db/src/generated/prisma/client.ts'));
  const schema = mtime(path.join(root, 'backend/prisma/schema.prisma'));
  process.exit(client === undefined || (schema !== undefined && schema > client) ? 0 : 1);
} else {
  console.error('usage: node scripts/apply-sla-helper.mjs show-url | pg-dump <file> | client-stale');
  process.exit(1);
}
