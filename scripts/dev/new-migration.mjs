#!/usr/bin/env node
// npm run db:new-migration -- <name>
// Writes backend/prisma/migrations/<UTC timestamp>_<name>/migration.sql for the difference between
// the migrations and schema.prisma, in one command: Prisma's own SQL (`prisma migrate diff
// --from-migrations … --to-schema … --script`, run through the engine shim in
// packages/db/prisma-engine, which builds a scratch shadow database on the migration URL's server),
// minus the statements of the allow-list (packages/db/src/verify/migration-only.ts: what the
// migrations add on purpose and schema.prisma cannot express), made idempotent by
// scripts/dev/make-idempotent.mjs. Read the result before committing it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeIdempotent } from './make-idempotent.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const name = process.argv[2];
if (!name || !/^[a-z0-9][a-z0-9_]*$/.test(name)) {
  console.error('Usage: npm run db:new-migration -- <name>   (lower case, digits and _, e.g. add_ticket_escalation)');
  process.exit(1);
}
const allowList = path.join(root, 'packages/db/dist/src/verify/migration-only.js');
if (!fs.existsSync(allowList)) {
  console.error('Run npm run build first (the allow-list is compiled TypeScript).');
  process.exit(1);
}
const { diffStatements, MIGRATION_ONLY_PRISMA_DIFF } = await import(allowList);

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'packages/db/prisma-engine/schema-engine.mjs'),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const diff = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/prisma/build/index.js'),
    'migrate',
    'diff',
    '--from-migrations',
    'prisma/migrations',
    '--to-schema',
    'prisma/schema.prisma',
    '--script',
  ],
  { cwd: path.join(root, 'backend'), env, encoding: 'utf8' },
);
if (diff.status !== 0) {
  process.stderr.write(diff.stdout + diff.stderr);
  console.error('prisma migrate diff failed (is PostgreSQL reachable at DATABASE_DIRECT_URL / DATABASE_URL?).');
  process.exit(1);
}

// Prisma's statements end with ";" at the end of a line; drop the allow-listed ones.
const allowed = new Set(MIGRATION_ONLY_PRISMA_DIFF);
const kept = diff.stdout
  .split(/;\s*\n/)
  .filter((block) => {
    const statements = diffStatements(`${block};\n`);
    return statements.length > 0 && !(statements.length === 1 && allowed.has(statements[0]));
  })
  .map((block) => `${block.trim()};\n`);
if (kept.length === 0) {
  console.log('schema.prisma and the migrations agree (apart from the allow-list): no migration needed.');
  process.exit(0);
}

let sql;
try {
  sql = makeIdempotent(kept.join('\n'));
} catch (err) {
  console.error(
    `${err.message}\nWrite that part of the migration by hand (idempotent), or teach scripts/dev/make-idempotent.mjs its form.`,
  );
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(root, 'backend/prisma/migrations', `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
console.log(
  `Wrote ${path.relative(root, dir)}/migration.sql (${kept.length} statement(s) from Prisma, made idempotent).`,
);
console.log(
  'Next: read it (only additive, idempotent SQL), then npm run build && npm test (drift and Prisma contract tests).',
);
