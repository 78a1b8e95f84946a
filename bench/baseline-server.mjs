#!/usr/bin/env node
// The practical ceiling on this machine: a minimal Fastify + pg server answering the benchmarked routes
// with the same SQL over the same data, JSON out, and one JWT verification per request (same secret).
// No validation framework, no ORM, no DI: whatever the real API spends beyond this is framework cost.
//   PORT=0 DATABASE_URL=... JWT_SECRET=... node bench/baseline-server.mjs   (prints "listening <port>")
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { registerTicketRoutes } from './lib/baseline-tickets.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PG_POOL_MAX || 10) });
const secret = process.env.JWT_SECRET;
const app = Fastify({ logger: false });

/** Verifies the bearer token (as the API does); the user is taken from the token, no lookup. */
function auth(req, reply, optional = false) {
  const [scheme, token] = (req.headers.authorization || '').split(' ');
  if (!token || scheme.toLowerCase() !== 'bearer') {
    if (optional) return null;
    reply.code(401).send({ message: 'Missing bearer token' });
    return undefined;
  }
  try {
    const p = jwt.verify(token, secret);
    if (p.typ !== 'access') throw new Error('typ');
    return { id: p.sub, role: p.role };
  } catch {
    reply.code(401).send({ message: 'Invalid token' });
    return undefined;
  }
}

const staff = (u) => u && (u.role === 'ADMIN' || u.role === 'AGENT');

app.get('/api/health', async () => ({ status: 'ok' }));

app.get('/api/sla/policies', async (req, reply) => {
  const user = auth(req, reply);
  if (!user) return reply;
  const { rows } = await pool.query(
    `SELECT * FROM "SLAPolicy" WHERE "deletedAt" IS NULL ORDER BY position, "createdAt", id`,
  );
  return rows;
});

const HEADLINE_OPTS =
  'StartSel=\u0001, StopSel=\u0002, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "';

app.get('/api/kb/search', async (req, reply) => {
  const user = auth(req, reply, true);
  if (user === undefined) return reply;
  const q = String(req.query.q ?? '');
  const pageSize = Math.min(50, Number(req.query.pageSize ?? 10) || 10);
  const page = Math.max(1, Number(req.query.page ?? 1) || 1);
  const visible = staff(user) ? '' : `AND a.status = 'PUBLISHED'`;
  let mode = 'fulltext';
  let { rows } = await pool.query(
    `WITH query AS (SELECT websearch_to_tsquery('english', $1) AS tsq),
     page AS (
       SELECT a.id, ts_rank_cd(a."searchVector", query.tsq) AS rank, count(*) OVER () AS total
       FROM "KnowledgeArticle" a, query
       WHERE a."searchVector" @@ query.tsq AND a."deletedAt" IS NULL ${visible}
       ORDER BY rank DESC, a."publishedAt" DESC NULLS LAST, a.id
       LIMIT $2 OFFSET $3
     )
     SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
            page.rank::float8 AS rank, page.total,
            ts_headline('english', a.body, query.tsq, $4) AS snippet
     FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, query
     ORDER BY page.rank DESC, a."publishedAt" DESC NULLS LAST, a.id`,
    [q, pageSize, (page - 1) * pageSize, HEADLINE_OPTS],
  );
  if (rows.length === 0 && page === 1) {
    mode = 'fuzzy';
    ({ rows } = await pool.query(
      `SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
              GREATEST(word_similarity($1, a.title), similarity(a.title, $1))::float8 AS rank,
              count(*) OVER () AS total, NULL::text AS snippet
       FROM "KnowledgeArticle" a
       WHERE ($1 <% a.title OR a.title % $1) AND a."deletedAt" IS NULL ${visible}
       ORDER BY rank DESC, a.id LIMIT $2`,
      [q, pageSize],
    ));
  }
  const total = rows.length ? Number(rows[0].total) : 0;
  const history = await pool.query(
    `INSERT INTO "KnowledgeSearchHistory" (query, "normalizedQuery", "resultCount", "userId")
     VALUES ($1, lower(trim($1)), $2, $3) RETURNING id`,
    [q.slice(0, 500), total, user?.id ?? null],
  );
  const items = rows.map(({ total: _t, ...r }) => r);
  return { searchId: history.rows[0].id, query: q, mode, items, total, page, pageSize };
});

registerTicketRoutes(app, pool, auth, staff);

const address = await app.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' });
console.log(`listening ${new URL(address).port}`);

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.once(sig, () => {
    app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
}
