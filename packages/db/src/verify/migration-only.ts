/**
 * What the migrations add on purpose that schema.prisma cannot express: ONE list, used by the drift
 * test (our catalog comparison of schema.prisma with the migrations) and by the Prisma contract
 * test (`prisma migrate diff --from-migrations … --to-schema …` must print exactly these
 * statements), and by `npm run db:new-migration`, which removes these statements from Prisma's SQL.
 * Anything else in one and not the other fails both tests. Keep each entry's reason.
 */
export interface MigrationOnlyObject {
  /** The difference our comparison reports (`extra index "T"."name"` …), or null when it reports none. */
  drift: string | null;
  /** The statement Prisma's diff emits to "undo" it, or null when Prisma does not see it. */
  prismaDiff: string | null;
  reason: string;
}

export const MIGRATION_ONLY: MigrationOnlyObject[] = [
  {
    drift: 'extra index "SLAMetric"."SLAMetric_open_dueAt_idx"',
    prismaDiff: null, // Prisma's introspection skips partial indexes
    reason: "partial index for the SLA monitor's due scans (Prisma has no WHERE on @@index)",
  },
  {
    drift: 'extra index "SLAMetric"."SLAMetric_open_warningAt_idx"',
    prismaDiff: null,
    reason: "partial index for the SLA monitor's warning scans",
  },
  {
    drift: 'extra index "KnowledgeArticle"."KnowledgeArticle_searchVector_idx"',
    prismaDiff: 'DROP INDEX "KnowledgeArticle_searchVector_idx";',
    reason: 'full-text search (GIN over the generated tsvector column)',
  },
  {
    drift: 'extra index "KnowledgeArticle"."KnowledgeArticle_title_trgm_idx"',
    prismaDiff: 'DROP INDEX "KnowledgeArticle_title_trgm_idx";',
    reason: 'trigram search on article titles (pg_trgm operator class)',
  },
  {
    drift: 'extra index "Ticket"."Ticket_subject_trgm_idx"',
    prismaDiff: 'DROP INDEX "Ticket_subject_trgm_idx";',
    reason: "trigram index for the ticket list's substring filter q",
  },
  {
    drift: 'extra index "Ticket"."Ticket_description_trgm_idx"',
    prismaDiff: 'DROP INDEX "Ticket_description_trgm_idx";',
    reason: "trigram index for the ticket list's substring filter q",
  },
  {
    drift: 'extra index "Ticket"."Ticket_slaNextDueAt_idx"',
    prismaDiff: null, // partial (live tickets only): Prisma's introspection skips partial indexes
    reason: "partial index for the ticket list's sort=slaDueAt",
  },
  {
    drift: 'extra index "KnowledgeWord"."KnowledgeWord_word_trgm_idx"',
    prismaDiff: 'DROP INDEX "KnowledgeWord_word_trgm_idx";',
    reason: "trigram lookup of a misspelt search word in the knowledge base's vocabulary (pg_trgm operator class)",
  },
  {
    drift: 'extra index "KnowledgeArticle"."KnowledgeArticle_published_searchVector_idx"',
    prismaDiff: null, // partial (published, not deleted): Prisma's introspection skips partial indexes
    reason: 'partial full-text index for public KB search',
  },
  {
    drift: 'extra index "KnowledgeArticle"."KnowledgeArticle_title_tsv_idx"',
    prismaDiff: null, // an expression index: Prisma's introspection skips it
    reason:
      'full-text index of titles alone (expression index): KB search ranks title matches first within a bounded set',
  },
  {
    drift: null, // the drift test copies the expression (GENERATED_COLUMNS) instead
    prismaDiff: 'ALTER TABLE "KnowledgeArticle" ALTER COLUMN "searchVector" DROP DEFAULT;',
    reason: 'generated tsvector column: schema.prisma declares it Unsupported(...), the expression lives in SQL only',
  },
];

/** The drift comparison's allow-list (`extra index …` keys). */
export const MIGRATION_ONLY_DRIFT: string[] = MIGRATION_ONLY.flatMap((o) => (o.drift ? [o.drift] : []));

/** The statements `prisma migrate diff --from-migrations … --to-schema … --script` prints for them. */
export const MIGRATION_ONLY_PRISMA_DIFF: string[] = MIGRATION_ONLY.flatMap((o) => (o.prismaDiff ? [o.prismaDiff] : []));

/**
 * The SQL statements of a `prisma migrate diff --script` output (comment lines dropped), each
 * normalised to one line; statements are separated by `;` at the end of a line.
 */
export function diffStatements(script: string): string[] {
  return script
    .split('\n')
    .filter((l) => !/^\s*--/.test(l))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0)
    .map((s) => `${s};`);
}

/** Prisma's diff script without the allow-listed statements (what a new migration really needs). */
export function withoutMigrationOnly(script: string): string[] {
  const allowed = new Set(MIGRATION_ONLY_PRISMA_DIFF);
  return diffStatements(script).filter((s) => !allowed.has(s));
}
