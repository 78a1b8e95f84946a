// EXPLAIN (ANALYZE, BUFFERS) of the hot queries, kept with the results so that a regression in a plan
// (a lost index, a sequential scan) is visible next to the numbers.
import { connect } from './database.mjs';

const HEADLINE = 'StartSel=<b>, StopSel=</b>, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "';

/** name → [sql, params]; the SQL is what the services issue (Prisma's query for the ticket list). */
export function hotQueries(ids) {
  const agent = ids.agents[0];
  return {
    'ticket list: status + priority, newest first, page 3 of 25': [
      `SELECT t.* FROM "Ticket" t
        WHERE t."deletedAt" IS NULL AND t.status = ANY($1::"TicketStatus"[]) AND t.priority = ANY($2::"TicketPriority"[])
        ORDER BY t."createdAt" DESC, t.number DESC LIMIT 25 OFFSET 50`,
      [['OPEN'], ['HIGH']],
    ],
    'ticket list count: status + priority': [
      `SELECT count(*) FROM "Ticket" t
        WHERE t."deletedAt" IS NULL AND t.status = ANY($1::"TicketStatus"[]) AND t.priority = ANY($2::"TicketPriority"[])`,
      [['OPEN'], ['HIGH']],
    ],
    'ticket list: assignee + status, newest first': [
      `SELECT t.* FROM "Ticket" t
        WHERE t."deletedAt" IS NULL AND t."assigneeId" = $1::uuid AND t.status = ANY($2::"TicketStatus"[])
        ORDER BY t."createdAt" DESC, t.number DESC LIMIT 25 OFFSET 0`,
      [agent, ['OPEN']],
    ],
    'ticket list: tag, newest first': [
      `SELECT t.* FROM "Ticket" t WHERE t."deletedAt" IS NULL AND t.tags @> ARRAY[$1]::text[]
        ORDER BY t."createdAt" DESC, t.number DESC LIMIT 25 OFFSET 0`,
      ['vip'],
    ],
    'kb search: full text, customer (published only)': [
      `WITH query AS (SELECT websearch_to_tsquery('english', $1) AS tsq),
       page AS (
         SELECT a.id, ts_rank_cd(a."searchVector", query.tsq) AS rank, count(*) OVER () AS total
         FROM "KnowledgeArticle" a, query
         WHERE a."searchVector" @@ query.tsq AND a."deletedAt" IS NULL AND a.status = 'PUBLISHED'::"KnowledgeArticleStatus"
         ORDER BY rank DESC, a."publishedAt" DESC NULLS LAST, a.id LIMIT 10 OFFSET 0)
       SELECT a.id, a.title, page.rank::float8, page.total, ts_headline('english', a.body, query.tsq, $2)
       FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, query
       ORDER BY page.rank DESC, a."publishedAt" DESC NULLS LAST, a.id`,
      ['password reset', HEADLINE],
    ],
    'kb search: trigram fallback (typo)': [
      `SELECT a.id, a.title, GREATEST(word_similarity($1, a.title), similarity(a.title, $1))::float8 AS rank,
              count(*) OVER () AS total
       FROM "KnowledgeArticle" a
       WHERE ($1 <% a.title OR a.title % $1) AND a."deletedAt" IS NULL AND a.status = 'PUBLISHED'::"KnowledgeArticleStatus"
       ORDER BY rank DESC, a.id LIMIT 10`,
      ['pasword'],
    ],
  };
}

export async function explainHotQueries(url, ids) {
  const c = await connect(url);
  const plans = {};
  try {
    for (const [name, [sql, params]] of Object.entries(hotQueries(ids))) {
      const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      plans[name] = { sql: sql.replace(/\s+/g, ' ').trim(), plan: rows.map((r) => r['QUERY PLAN']).join('\n') };
    }
  } finally {
    await c.end();
  }
  return plans;
}
