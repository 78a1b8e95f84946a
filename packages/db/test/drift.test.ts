// schema.prisma and the migrations must describe the same database. Fails when a model, field,
// enum value, index, unique, relation, type or nullability is in one and not the other, so that a
// schema change without its migration (the seed 003 story) cannot land.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, describe, test } from 'node:test';
import {
  compareSchemas,
  formatComparison,
  type SchemaComparison,
  type SchemaSnapshot,
} from '@nixflow/core/schema-compare';
import { readMigrations } from '../src/migrate/migrations-folder.js';
import { buildShadowSchema } from '../src/verify/shadow.js';
import { REPO_MIGRATIONS } from './support/cli.js';
import { SCHEMA_PATH, snapshotFromPrismaSchema } from './support/prisma-schema.js';

/**
 * What the migrations add on purpose that schema.prisma cannot express. Anything else in one and
 * not the other fails the test. Keep each entry's reason.
 */
const MIGRATION_ONLY: string[] = [
  // Partial indexes for the SLA monitor's due scans (Prisma has no WHERE on @@index).
  'extra index "SLAMetric"."SLAMetric_open_dueAt_idx"',
  'extra index "SLAMetric"."SLAMetric_open_warningAt_idx"',
  // Full-text search over the generated tsvector column, and trigram search on titles (pg_trgm).
  'extra index "KnowledgeArticle"."KnowledgeArticle_searchVector_idx"',
  'extra index "KnowledgeArticle"."KnowledgeArticle_title_trgm_idx"',
  // Trigram lookup of a misspelt search word in the knowledge base's vocabulary (pg_trgm operator class).
  'extra index "KnowledgeWord"."KnowledgeWord_word_trgm_idx"',
  // Partial full-text index for public KB search (published, not deleted).
  'extra index "KnowledgeArticle"."KnowledgeArticle_published_searchVector_idx"',
  // Trigram indexes for the ticket list's case-insensitive substring filter `q` (pg_trgm operator class).
  'extra index "Ticket"."Ticket_subject_trgm_idx"',
  'extra index "Ticket"."Ticket_description_trgm_idx"',
];

/** Generated columns: schema.prisma declares them `Unsupported(...)`; the expression lives in SQL only. */
const GENERATED_COLUMNS: [table: string, column: string][] = [['KnowledgeArticle', 'searchVector']];

let fromMigrations: SchemaSnapshot;
const schemaText = fs.readFileSync(SCHEMA_PATH, 'utf8');

before(async () => {
  const admin = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  fromMigrations = (await buildShadowSchema(admin, readMigrations(REPO_MIGRATIONS).migrations)).snapshot;
});

/** schema.prisma (possibly altered) against the migrations, with the allow-lists applied. */
function drift(text: string): SchemaComparison {
  const expected = snapshotFromPrismaSchema(text);
  for (const [table, column] of GENERATED_COLUMNS) {
    const e = expected.tables[table]?.columns[column];
    const m = fromMigrations.tables[table]?.columns[column];
    if (e && m) e.generated = m.generated ?? null;
  }
  return compareSchemas(expected, fromMigrations, { ignore: MIGRATION_ONLY });
}

const problems = (c: SchemaComparison): string[] => [...c.missing, ...c.different, ...c.extra].map((d) => d.message);

/** Replaces exactly one occurrence (so that an edit of schema.prisma cannot silently disarm a case). */
function alter(text: string, from: string | RegExp, to: string): string {
  const count =
    typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  assert.equal(count, 1, `schema.prisma should contain ${String(from)} exactly once`);
  return text.replace(from, to);
}

const model = (name: string) => new RegExp(`(model ${name} \\{[\\s\\S]*?)\\n\\}`);

test('schema.prisma and the migrations describe the same schema', () => {
  const c = drift(schemaText);
  assert.deepEqual(
    problems(c),
    [],
    `schema.prisma and backend/prisma/migrations disagree. Add a migration for the schema change (see README, "Migrations without the Prisma engine"):\n${formatComparison(c).join('\n')}`,
  );
  assert.ok(c.expectedCount > 500, `compared ${c.expectedCount} objects`);
  for (const entry of MIGRATION_ONLY) {
    const [, kind, rest] = entry.match(/^extra (\w+) (.*)$/)!;
    assert.ok(
      compareSchemas(snapshotFromPrismaSchema(schemaText), fromMigrations).extra.some(
        (d) => d.key === `${kind} ${rest}`,
      ),
      `allow-list entry still needed: ${entry}`,
    );
  }
});

describe('the drift test fails on a deliberately altered schema.prisma', () => {
  const cases: [what: string, altered: () => string, expected: string][] = [
    [
      'a new model without a migration',
      () => `${schemaText}\nmodel Escalation {\n  id String @id @db.Uuid\n}\n`,
      'missing table "Escalation"',
    ],
    [
      'a new field',
      () => alter(schemaText, model('Ticket'), '$1\n  escalatedAt DateTime?\n}'),
      'missing column "Ticket"."escalatedAt"',
    ],
    [
      'a removed field (the migration has a column the schema lacks)',
      () => alter(schemaText, /\n {2}closedAt {9}DateTime\?\n/, '\n'),
      'extra column "Ticket"."closedAt"',
    ],
    [
      'a new enum value',
      () => alter(schemaText, /(enum TicketStatus \{[^}]*)\}/, '$1  ARCHIVED\n}'),
      `missing enum value "TicketStatus".'ARCHIVED'`,
    ],
    [
      'a type change',
      () => alter(schemaText, /\n {2}subject {10}String\n/, '\n  subject          String @db.VarChar(200)\n'),
      'different column "Ticket"."subject": type character varying(200) ≠ text',
    ],
    [
      'a nullability change',
      () => alter(schemaText, /\n {2}description {6}String\n/, '\n  description      String?\n'),
      'different column "Ticket"."description": NULL ≠ NOT NULL',
    ],
    [
      'a removed index',
      () => alter(schemaText, /\n {2}@@index\(\[priority\]\)\n/, '\n'),
      'extra index "Ticket"."Ticket_priority_idx"',
    ],
    [
      'a new unique',
      () => alter(schemaText, /\n {2}subject {10}String\n/, '\n  subject          String @unique\n'),
      'missing index "Ticket"."Ticket_subject_key"',
    ],
    [
      'a changed relation action',
      () =>
        alter(
          schemaText,
          'workflow Workflow @relation(fields: [workflowId], references: [id], onDelete: Cascade)',
          'workflow Workflow @relation(fields: [workflowId], references: [id], onDelete: Restrict)',
        ),
      'different foreign key "Stage"."Stage_workflowId_fkey": ON DELETE RESTRICT ≠ CASCADE',
    ],
  ];
  for (const [what, altered, expected] of cases) {
    test(what, () => {
      const found = problems(drift(altered()));
      assert.ok(
        found.some((m) => m === expected || m.startsWith(`${expected} (`)),
        `expected "${expected}" among:\n${found.join('\n')}`,
      );
    });
  }
});
