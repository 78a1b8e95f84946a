#!/usr/bin/env node
// Rewrites the DDL Prisma's schema engine emits into SQL that is safe to run again and on a
// partly migrated database: it only adds what is missing and never drops or alters data.
//   node scripts/dev/make-idempotent.mjs < prisma.sql > migration.sql
import fs from 'node:fs';

export function makeIdempotent(sql) {
  const statements = sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^(--[^\n]*\n|\s)+/g, '').trim())
    .filter(Boolean);
  return statements.map(rewrite).join('\n\n') + '\n';
}

function rewrite(stmt) {
  let m;
  if (stmt.startsWith('CREATE SCHEMA IF NOT EXISTS')) return `${stmt};`;
  if ((m = stmt.match(/^CREATE TYPE "([^"]+)" AS ENUM \(([\s\S]*)\)$/))) {
    const [, name, values] = m;
    const adds = values
      .split(',')
      .map((v) => v.trim())
      .map((v) => `ALTER TYPE "${name}" ADD VALUE IF NOT EXISTS ${v};`)
      .join('\n');
    return `-- CreateEnum\nDO $$ BEGIN\n    CREATE TYPE "${name}" AS ENUM (${values});\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\n${adds}`;
  }
  if ((m = stmt.match(/^CREATE TABLE "([^"]+)" \(\n([\s\S]*)\n\)$/))) {
    const [, table, body] = m;
    const columns = body
      .split(/,\n/)
      .map((l) => l.trim())
      .filter((l) => l.startsWith('"'));
    // Primary-key columns exist whenever the table does. A serial column is added only when
    // missing: ADD COLUMN IF NOT EXISTS would still create an orphan sequence.
    const pk = (body.match(/PRIMARY KEY \(([^)]*)\)/)?.[1] ?? '').split(',').map((c) => c.trim());
    const adds = columns
      .filter((c) => !pk.includes(c.split(' ')[0]))
      .map((c) => {
        const name = c.split(' ')[0].replaceAll('"', '');
        if (!/ (BIG)?SERIAL /.test(c)) return `ALTER TABLE "${table}" ADD COLUMN IF NOT EXISTS ${c};`;
        return `DO $$ BEGIN\n    IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' AND column_name = '${name}') THEN\n        ALTER TABLE "${table}" ADD COLUMN ${c};\n    END IF;\nEND $$;`;
      })
      .join('\n');
    return `-- CreateTable\nCREATE TABLE IF NOT EXISTS "${table}" (\n${body}\n);\n${adds}`;
  }
  if (/^CREATE (UNIQUE )?INDEX "([^"]+)"/.test(stmt)) {
    return `-- CreateIndex\n${stmt.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')};`;
  }
  if ((m = stmt.match(/^ALTER TABLE "([^"]+)" ADD CONSTRAINT "([^"]+)" FOREIGN KEY/))) {
    const name = m[2];
    return `-- AddForeignKey\nDO $$ BEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '${name}' AND connamespace = current_schema()::regnamespace) THEN\n        ${stmt};\n    END IF;\nEND $$;`;
  }
  if ((m = stmt.match(/^ALTER TABLE "([^"]+)" (ADD COLUMN [\s\S]*)$/)) && !/ (BIG)?SERIAL\b/.test(stmt)) {
    // Prisma adds several columns in one statement: `ADD COLUMN "a" …,\nADD COLUMN "b" …`.
    const [, table, adds] = m;
    const columns = adds.split(/,\s*\n\s*(?=ADD COLUMN )/).map((c) => c.replace(/^ADD COLUMN\s+/, '').trim());
    return `-- AlterTable\n${columns.map((c) => `ALTER TABLE "${table}" ADD COLUMN IF NOT EXISTS ${c};`).join('\n')}`;
  }
  throw new Error(`make-idempotent: no idempotent form known for:\n${stmt}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(makeIdempotent(fs.readFileSync(0, 'utf8')));
}
