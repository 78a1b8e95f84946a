#!/usr/bin/env node
// Helper of apply_sla_migration.sh and .bat (one implementation, so both print the same thing).
//   redact <url>   the URL with its password replaced by ***
//   libpq <url>    the URL without Prisma-only parameters (?schema=…, ?connection_limit=…), which
//                  pg_dump and psql reject ("invalid URI query parameter")
//   client-stale   exit 0 when the generated Prisma client is missing or older than schema.prisma
import fs from 'node:fs';
import path from 'node:path';

const [command, raw] = process.argv.slice(2);
const root = path.resolve(import.meta.dirname, '..');
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'socket_timeout',
  'statement_cache_size',
];

function convertUrl(mode, value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    // A libpq "host=… dbname=…" string: pass it through, never print a password.
    return mode === 'redact' ? value.replace(/password=\S+/g, 'password=***') : value;
  }
  if (mode === 'redact' && url.password) url.password = '***';
  if (mode === 'libpq') for (const key of PRISMA_ONLY_PARAMS) url.searchParams.delete(key);
  return url.toString();
}

const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : undefined);

if ((command === 'redact' || command === 'libpq') && raw) {
  console.log(convertUrl(command, raw));
} else if (command === 'client-stale') {
  const client = mtime(path.join(root, 'packages/db/src/generated/prisma/client.ts'));
  const schema = mtime(path.join(root, 'backend/prisma/schema.prisma'));
  process.exit(client === undefined || (schema !== undefined && schema > client) ? 0 : 1);
} else {
  console.error('usage: node scripts/apply-sla-helper.mjs redact|libpq <postgresql://…> | client-stale');
  process.exit(1);
}
