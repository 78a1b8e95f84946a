// The statements of backend/src/knowledge-base/kb-search.service.ts (fulltext(), the trigram fallback), in
// pg's positional form, for the baseline server and the EXPLAIN plans: both must run what the API runs, or
// the KB ratio compares different work. Keep in step with the service (bounds, title branch, history CTE).

export const COUNT_CAP = 1000;
export const RANK_CANDIDATES = 200;
export const TITLE_CANDIDATES = 50;
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';
export const HEADLINE_OPTS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/** What the caller may see (no category or tag filter: the bench sends none). */
const visibility = (staff) =>
  staff ? `a."deletedAt" IS NULL` : `a."deletedAt" IS NULL AND a.status = 'PUBLISHED'::"KnowledgeArticleStatus"`;

/**
 * One page of full-text hits with the number of matches (counted up to COUNT_CAP + 1, ranked over a
 * bounded candidate set plus title matches), inserting the search history row when there are matches.
 * Params: $1 query, $2 limit, $3 offset, $4 headline options, $5 history query, $6 normalized query, $7 userId.
 */
export function fulltextSearch({ q, staff, limit, offset, userId = null, history = true }) {
  const where = visibility(staff);
  const tsq = `websearch_to_tsquery('english', $1)`;
  const wanted = offset + limit;
  const rankCap = Math.max(RANK_CANDIDATES, wanted);
  const historyCte = history
    ? `, history AS (
        INSERT INTO "KnowledgeSearchHistory" ("query", "normalizedQuery", "resultCount", "userId")
        SELECT $5, $6, LEAST(counted.total, ${COUNT_CAP})::int, $7::uuid
        FROM counted WHERE counted.total > 0
        RETURNING id
      )`
    : '';
  const searchId = history ? '(SELECT id FROM history)' : 'NULL::uuid';
  const sql = `
    WITH matches AS (
      SELECT a.id, a."searchVector" AS sv, a."publishedAt"
      FROM "KnowledgeArticle" a
      WHERE a."searchVector" @@ ${tsq} AND ${where}
      LIMIT ${Math.max(COUNT_CAP + 1, wanted)}
    ),
    counted AS (SELECT count(*) AS total FROM matches),
    first_ranked AS (
      SELECT m.id, m."publishedAt", ts_rank_cd(m.sv, ${tsq}) AS rank
      FROM matches m
      LIMIT ${rankCap}
    ),
    top AS (
      SELECT r.id FROM first_ranked r ORDER BY r.rank DESC, r."publishedAt" DESC NULLS LAST, r.id LIMIT 1
    ),
    title_hits AS (
      SELECT a.id, a."publishedAt", ts_rank_cd(a."searchVector", ${tsq}) AS rank
      FROM "KnowledgeArticle" a
      WHERE to_tsvector('english'::regconfig, a.title) @@ ${tsq}
        AND (strpos(${tsq}::text, '!') = 0 OR a."searchVector" @@ ${tsq}) AND ${where}
        AND a.id NOT IN (SELECT id FROM first_ranked)
      LIMIT ${Math.max(TITLE_CANDIDATES, wanted)}
    ),
    candidates AS (
      SELECT * FROM first_ranked
      UNION ALL
      SELECT * FROM title_hits
      WHERE (SELECT total FROM counted) > ${rankCap}
        AND NOT EXISTS (SELECT 1 FROM top JOIN "KnowledgeArticle" a ON a.id = top.id
                        WHERE to_tsvector('english'::regconfig, a.title) @@ ${tsq})
    ),
    page AS (
      SELECT c.id, c.rank
      FROM candidates c
      ORDER BY c.rank DESC, c."publishedAt" DESC NULLS LAST, c.id
      LIMIT $2 OFFSET $3
    )${historyCte}
    SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
           page.rank::float8 AS rank, counted.total,
           ts_headline('english', translate(left(a.body, 50000), '${MARK_START}${MARK_END}', ''), ${tsq}, $4) AS snippet,
           ${searchId} AS "searchId"
    FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, counted
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, counted.total, NULL, ${searchId}
    FROM counted WHERE NOT EXISTS (SELECT 1 FROM page)
    ORDER BY rank DESC NULLS LAST, "publishedAt" DESC NULLS LAST, id`;
  const params = [q, limit, offset, HEADLINE_OPTS];
  if (history) params.push(q.slice(0, 500), q.trim().toLowerCase().slice(0, 500), userId);
  return [sql, params];
}

/** The last resort for partial words: trigram similarity on the title, bounded. Params: $1 query, $2 limit, $3 headline options. */
export function trigramSearch({ q, staff, limit }) {
  const sql = `
    WITH similar_titles AS (
      SELECT a.id, GREATEST(word_similarity($1, a.title), similarity(a.title, $1)) AS rank
      FROM "KnowledgeArticle" a
      WHERE ($1 <% a.title OR a.title % $1) AND ${visibility(staff)}
      LIMIT ${COUNT_CAP + 1}
    ),
    hits AS (
      SELECT s.id, s.rank, count(*) OVER () AS total
      FROM similar_titles s
      ORDER BY s.rank DESC, s.id
      LIMIT $2
    )
    SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
           hits.rank::float8 AS rank, hits.total,
           ts_headline('english', translate(left(a.body, 50000), '${MARK_START}${MARK_END}', ''), plainto_tsquery('english', $1), $3) AS snippet
    FROM hits JOIN "KnowledgeArticle" a ON a.id = hits.id
    ORDER BY hits.rank DESC, a.id`;
  return [sql, [q, limit, HEADLINE_OPTS]];
}

/**
 * Typo correction (KbSearchService.correct): each unknown query word replaced by its nearest word of the
 * visible vocabulary. Returns [sql, params], or null when the query has no words.
 */
export function correctionQuery({ q, staff }) {
  const tokens = (
    q
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 8);
  if (tokens.length === 0) return null;
  const visible = staff ? 'k."articles"' : 'k."publishedArticles"';
  const sql = `
    SELECT t.token,
           CASE WHEN length(t.token) < 4 OR length(t.token) > 40 OR t.token !~ '^[[:alpha:]]+$'
                     OR numnode(plainto_tsquery('english', t.token)) = 0
                     OR EXISTS (SELECT 1 FROM "KnowledgeWord" k WHERE k.word = t.token AND ${visible} > 0)
                THEN NULL
                ELSE (SELECT k.word FROM "KnowledgeWord" k
                      WHERE k.word % t.token AND ${visible} > 0
                      ORDER BY similarity(k.word, t.token) DESC, ${visible} DESC, k.word
                      LIMIT 1)
           END AS fixed
    FROM unnest($1::text[]) WITH ORDINALITY AS t(token, ord)
    ORDER BY t.ord`;
  return [sql, [tokens]];
}
