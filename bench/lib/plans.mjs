// EXPLAIN (ANALYZE, BUFFERS) of the hot queries, kept with the results so that a regression in a plan
// (a lost index, a sequential scan) is visible next to the numbers.
import { connect } from './database.mjs';
import { fulltextSearch, trigramSearch } from './kb-search-sql.mjs';

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
    // The API's own (capped) count: Prisma orders the LIMITed subquery, by "number" as the service asks
    // (by the random UUID primary key otherwise: the matching rows all over the table).
    'ticket list count as the API sends it: status + priority, capped at 1000': [
      `SELECT count(*) FROM (SELECT t.id FROM "Ticket" t
        WHERE t."deletedAt" IS NULL AND t.status = ANY($1::"TicketStatus"[]) AND t.priority = ANY($2::"TicketPriority"[])
        ORDER BY t.number ASC LIMIT 1001) sub`,
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
    // The statements the API issues (kb-search.service.ts), shared with the baseline server.
    'kb search: full text, customer (published only)': fulltextSearch({
      q: 'password reset',
      staff: false,
      limit: 10,
      offset: 0,
      history: false,
    }),
    'kb search: trigram fallback (typo)': trigramSearch({ q: 'pasword', staff: false, limit: 10 }),
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
