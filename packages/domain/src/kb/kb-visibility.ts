import { isStaffRole } from '@nixflow/core';
import { KnowledgeArticleStatus, Prisma, type UserRole } from '@nixflow/db/client';

/** Who reads the knowledge base: staff (admins, agents) or the public (customers, anonymous readers). */
export type KbReader = 'staff' | 'public';

/**
 * The one definition of KB visibility: the article statuses each reader sees (null: every status).
 * Deleted articles are seen by nobody. The Prisma where and the SQL filter below are both derived from it.
 */
export const KB_VISIBLE_STATUSES: Readonly<Record<KbReader, readonly KnowledgeArticleStatus[] | null>> = {
  staff: null,
  public: [KnowledgeArticleStatus.PUBLISHED],
};

const STATUS_VALUES = new Set<string>(Object.values(KnowledgeArticleStatus));

/** Quotes an enum value for SQL; the statuses are literals so that the planner can match the partial published index. */
function statusLiteral(status: KnowledgeArticleStatus): string {
  if (!STATUS_VALUES.has(status)) throw new Error(`Not a KnowledgeArticleStatus: ${String(status)}`);
  return `'${status}'::"KnowledgeArticleStatus"`;
}

/** Which KB articles a reader may see, as a Prisma where and as SQL, from KB_VISIBLE_STATUSES. */
export const KbVisibility = {
  readerOf(user: { role: UserRole } | null | undefined): KbReader {
    return user && isStaffRole(user.role) ? 'staff' : 'public';
  },

  /** Whether the reader may see articles of this status (deletion aside). */
  seesStatus(reader: KbReader, status: KnowledgeArticleStatus): boolean {
    const statuses = KB_VISIBLE_STATUSES[reader];
    return statuses === null || statuses.includes(status);
  },

  where(reader: KbReader): Prisma.KnowledgeArticleWhereInput {
    const statuses = KB_VISIBLE_STATUSES[reader];
    if (statuses === null) return { deletedAt: null };
    return { deletedAt: null, status: statuses.length === 1 ? statuses[0] : { in: [...statuses] } };
  },

  /** The same filter in SQL, over the article table aliased `alias`. */
  sql(reader: KbReader, alias = 'a'): Prisma.Sql {
    const a = Prisma.raw(`"${alias}"`);
    const statuses = KB_VISIBLE_STATUSES[reader];
    const deleted = Prisma.sql`${a}."deletedAt" IS NULL`;
    if (statuses === null) return deleted;
    const status =
      statuses.length === 1
        ? Prisma.raw(`"${alias}".status = ${statusLiteral(statuses[0]!)}`)
        : Prisma.raw(`"${alias}".status IN (${statuses.map(statusLiteral).join(', ')})`);
    return Prisma.sql`${deleted} AND ${status}`;
  },

  /**
   * The KnowledgeWord count column of what the reader sees: the vocabulary triggers
   * (migration 20261203108002) count every live article and the published ones apart.
   */
  vocabularyCount(reader: KbReader, alias = 'k'): Prisma.Sql {
    const statuses = KB_VISIBLE_STATUSES[reader];
    const column = statuses === null ? 'articles' : 'publishedArticles';
    if (statuses !== null && !(statuses.length === 1 && statuses[0] === KnowledgeArticleStatus.PUBLISHED))
      throw new Error(`No vocabulary count for the statuses ${statuses.join(', ')}`);
    return Prisma.raw(`"${alias}"."${column}"`);
  },

  /**
   * SQL: the article aliased `alias` carries a tag matching `tagMatch` (over KnowledgeTag aliased t).
   * The article–tag relation is Prisma's implicit many-to-many table: "A" is the article id and "B" the tag
   * id (Prisma orders them by model name). This is the only place that knows it.
   */
  taggedSql(tagMatch: Prisma.Sql, alias = 'a'): Prisma.Sql {
    return Prisma.sql`EXISTS (SELECT 1 FROM "_KnowledgeArticleToKnowledgeTag" at JOIN "KnowledgeTag" t ON t.id = at."B"
        WHERE at."A" = ${Prisma.raw(`"${alias}"`)}.id AND ${tagMatch})`;
  },
} as const;
