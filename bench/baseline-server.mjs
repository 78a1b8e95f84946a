#!/usr/bin/env node
// The practical ceiling on this machine: a minimal Fastify + pg server answering the benchmarked routes
// with the same SQL over the same data, JSON out, and one JWT verification per request (same secret).
// No validation framework, no ORM, no DI: whatever the real API spends beyond this is framework cost.
//   PORT=0 DATABASE_URL=... JWT_SECRET=... node bench/baseline-server.mjs   (prints "listening <port>")
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { registerTicketRoutes } from './lib/baseline-tickets.mjs';
import { correctionQuery, fulltextSearch, trigramSearch } from './lib/kb-search-sql.mjs';

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

// The API's statements (kb-search.service.ts): bounded ranking with the title branch, the history row in
// the full-text statement, typo correction, then the bounded trigram fallback.
app.get('/api/kb/search', async (req, reply) => {
  const user = auth(req, reply, true);
  if (user === undefined) return reply;
  const q = String(req.query.q ?? '');
  const pageSize = Math.min(50, Number(req.query.pageSize ?? 10) || 10);
  const page = Math.max(1, Number(req.query.page ?? 1) || 1);
  const isStaff = staff(user);
  const fulltext = async (text) => {
    const { rows } = await pool.query(
      ...fulltextSearch({ q: text, staff: isStaff, limit: pageSize, offset: (page - 1) * pageSize, userId: user?.id }),
    );
    return { rows: rows.filter((r) => r.id !== null), total: Number(rows[0]?.total ?? 0), searchId: rows[0]?.searchId };
  };
  let mode = 'fulltext';
  let correctedQuery = null;
  let found = await fulltext(q);
  if (found.total === 0) {
    const correction = correctionQuery({ q, staff: isStaff });
    const fixed = correction ? (await pool.query(...correction)).rows : [];
    if (fixed.some((r) => r.fixed)) {
      const corrected = fixed.map((r) => r.fixed ?? r.token).join(' ');
      const again = await fulltext(corrected);
      if (again.total > 0) [found, mode, correctedQuery] = [again, 'fuzzy', corrected];
    }
  }
  if (found.total === 0 && page === 1) {
    const { rows } = await pool.query(...trigramSearch({ q, staff: isStaff, limit: pageSize }));
    if (rows.length) [found, mode] = [{ rows, total: Math.min(Number(rows[0].total), 1000), searchId: null }, 'fuzzy'];
  }
  const searchId =
    found.searchId ??
    (
      await pool.query(
        `INSERT INTO "KnowledgeSearchHistory" (query, "normalizedQuery", "resultCount", "userId")
         VALUES ($1, lower(trim($1)), $2, $3) RETURNING id`,
        [q.slice(0, 500), found.total, user?.id ?? null],
      )
    ).rows[0].id;
  const items = found.rows.map(({ total: _t, searchId: _s, ...r }) => r);
  return { searchId, query: q, correctedQuery, mode, items, total: Math.min(found.total, 1000), page, pageSize };
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
