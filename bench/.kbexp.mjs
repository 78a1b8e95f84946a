import pg from 'pg';
const pool = new pg.Pool({ connectionString: process.env.DEV, max: 2 });
const H = 'StartSel=<b>, StopSel=</b>, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "';
const WORDS = [
  'password',
  'reset',
  'billing',
  'invoice',
  'migration',
  'database',
  'webhook',
  'permission',
  'escalation',
  'holiday',
  'dashboard',
  'attachment',
  'security',
  'session',
  'timeout',
  'upgrade',
  'backup',
  'timezone',
];
const cur = `WITH query AS (SELECT websearch_to_tsquery('english', $1) AS tsq),
page AS (SELECT a.id, ts_rank_cd(a."searchVector", query.tsq) AS rank, count(*) OVER () AS total
  FROM "KnowledgeArticle" a, query WHERE a."searchVector" @@ query.tsq AND a."deletedAt" IS NULL AND a.status = 'PUBLISHED'
  ORDER BY rank DESC, a."publishedAt" DESC NULLS LAST, a.id LIMIT 10 OFFSET 0)
SELECT a.id, a.title, page.rank::float8 AS rank, page.total, ts_headline('english', a.body, query.tsq, $2) AS snippet
FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, query ORDER BY page.rank DESC, a."publishedAt" DESC NULLS LAST, a.id`;
const mat = `WITH query AS (SELECT websearch_to_tsquery('english', $1) AS tsq),
matches AS MATERIALIZED (SELECT a.id, a."publishedAt", ts_rank_cd(a."searchVector", query.tsq) AS rank
  FROM "KnowledgeArticle" a, query WHERE a."searchVector" @@ query.tsq AND a."deletedAt" IS NULL AND a.status = 'PUBLISHED'),
page AS (SELECT m.id, m.rank, count(*) OVER () AS total FROM matches m ORDER BY m.rank DESC, m."publishedAt" DESC NULLS LAST, m.id LIMIT 10 OFFSET 0)
SELECT a.id, a.title, page.rank::float8 AS rank, page.total, ts_headline('english', a.body, query.tsq, $2) AS snippet
FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, query ORDER BY page.rank DESC, a."publishedAt" DESC NULLS LAST, a.id`;
const variants = { cur, mat };
const times = { cur: [], mat: [] };
for (let i = 0; i < Number(process.env.N || 40); i++) {
  const q = i % 3 === 0 ? `${WORDS[i % 18]} ${WORDS[(i * 5) % 18]}` : WORDS[i % 18];
  for (const [k, sql] of i % 2 ? Object.entries(variants) : Object.entries(variants).reverse()) {
    const t0 = performance.now();
    await pool.query(sql, [q, H]);
    times[k].push(performance.now() - t0);
  }
}
for (const [k, v] of Object.entries(times)) {
  v.sort((a, b) => a - b);
  console.log(k, 'p50', v[Math.floor(v.length / 2)].toFixed(1), 'p95', v[Math.floor(v.length * 0.95)].toFixed(1));
}
await pool.end();
