import { Injectable, NotFoundException } from '@nestjs/common';
import { KnowledgeArticleStatus, Prisma } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { KbVisibility, TicketAccessService, type KbReader } from '@nixflow/domain';
import type { AnalyticsQueryDto, SearchQueryDto } from './dto/kb.dto.js';
import { escapeHtml, highlightToHtml, isUuid, MARK_END, MARK_START, normalizeQuery } from './kb-common.js';
import { KbSearchCache } from './kb-search-cache.js';

export interface SearchHit {
  id: string;
  title: string;
  slug: string;
  excerpt: string | null;
  status: KnowledgeArticleStatus;
  categoryId: string | null;
  publishedAt: Date | null;
  rank: number;
  /** Sanitised HTML: escaped text with <mark> around matches. */
  snippet: string;
}

export interface SearchResult {
  searchId: string;
  query: string;
  /** The corrected query the results are for ("showing results for …"), or null. */
  correctedQuery: string | null;
  mode: 'fulltext' | 'fuzzy';
  items: SearchHit[];
  /** Number of matches, exact up to COUNT_CAP (then totalExact is false). */
  total: number;
  totalExact: boolean;
  page: number;
  pageSize: number;
}

/** A search's result without what is per search (its history row): what KbSearchCache keeps. */
type FoundPage = Readonly<Pick<SearchResult, 'correctedQuery' | 'mode' | 'items' | 'total' | 'totalExact'>>;

interface FulltextPage {
  rows: RawHit[];
  total: number;
  totalExact: boolean;
  /** The search history row the statement inserted, if it was asked to (see fulltext()). */
  searchId: string | null;
}

/** The search history row of one search (KnowledgeSearchHistory), without its result count. */
interface HistoryRow {
  query: string;
  normalizedQuery: string;
  userId: string | null;
}

interface RawHit extends Omit<SearchHit, 'snippet' | 'rank'> {
  rank: number;
  snippet: string | null;
  total: bigint | number;
}

/** Matches counted exactly (and ranked) at most per search; `totalExact` is false above (see fulltext()). */
const COUNT_CAP = 1000;
/**
 * Full-text matches ranked per search at most (beyond the requested page), see fulltext(): ranking reads
 * each article's whole search vector, so it is bounded like the count.
 */
const RANK_CANDIDATES = 200;
/** Title matches added to the ranked candidates, so that a common word still lists title matches first. */
const TITLE_CANDIDATES = 50;
/** Query words considered for typo correction. */
const MAX_QUERY_WORDS = 8;

const HEADLINE_OPTS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * The body with the marker characters removed, so an article cannot forge highlight tags; bounded, so that
 * one huge article cannot make every headline slow (a match further in shows the article's beginning).
 */
const BODY_WITHOUT_MARKERS = Prisma.sql`translate(left(a.body, 50000), ${MARK_START + MARK_END}, '')`;

@Injectable()
export class KbSearchService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly ticketAccess: TicketAccessService,
    private readonly cache: KbSearchCache<FoundPage>,
  ) {}

  /** SQL filter for what the caller may see plus the optional category (with sub-categories) and tag. */
  private async filters(user: AuthUser | undefined, category?: string, tag?: string): Promise<Prisma.Sql> {
    const parts: Prisma.Sql[] = [KbVisibility.sql(KbVisibility.readerOf(user))];
    if (category) {
      const match = isUuid(category) ? Prisma.sql`id = ${category}::uuid` : Prisma.sql`slug = ${category}`;
      parts.push(Prisma.sql`a."categoryId" IN (
        WITH RECURSIVE sub AS (
          SELECT id FROM "KnowledgeCategory" WHERE ${match}
          UNION SELECT c.id FROM "KnowledgeCategory" c JOIN sub ON c."parentId" = sub.id
        ) SELECT id FROM sub)`);
    }
    if (tag) {
      const match = isUuid(tag) ? Prisma.sql`t.id = ${tag}::uuid` : Prisma.sql`t.slug = ${tag}`;
      parts.push(KbVisibility.taggedSql(match));
    }
    return Prisma.join(parts, ' AND ');
  }

  async search(user: AuthUser | undefined, q: SearchQueryDto): Promise<SearchResult> {
    const reader = KbVisibility.readerOf(user);
    const record: HistoryRow = {
      query: q.q.slice(0, 500),
      normalizedQuery: normalizeQuery(q.q).slice(0, 500),
      userId: user?.id ?? null,
    };
    // What decides the result; the user only through the reader (the history row is written per search).
    const key = JSON.stringify([reader, q.category ?? null, q.tag ?? null, q.page, q.pageSize, q.q]);
    let inserted: string | null = null;
    const { value: found } = await this.cache.get(key, async () => {
      const fresh = await this.find(user, q, record);
      inserted = fresh.searchId;
      return fresh.found;
    });
    // The history row's id lets the client report which result was clicked. A full-text search with
    // matches has inserted it already; otherwise (no matches, or a kept result) one cheap insert.
    const searchId =
      inserted ??
      (
        await this.prisma.knowledgeSearchHistory.create({
          data: { ...record, resultCount: found.total },
          select: { id: true },
        })
      ).id;
    return {
      searchId,
      query: q.q,
      correctedQuery: found.correctedQuery,
      mode: found.mode,
      items: found.items,
      total: found.total,
      totalExact: found.totalExact,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** The search itself (see search()); `searchId` is the history row the full-text statement inserted, if any. */
  private async find(
    user: AuthUser | undefined,
    q: SearchQueryDto,
    record: HistoryRow,
  ): Promise<{ found: FoundPage; searchId: string | null }> {
    const where = await this.filters(user, q.category, q.tag);
    const limit = q.pageSize;
    const offset = (q.page - 1) * q.pageSize;
    let mode: SearchResult['mode'] = 'fulltext';
    let correctedQuery: string | null = null;
    let page = await this.fulltext(q.q, where, limit, offset, record);

    if (page.total === 0) {
      // Typos: each unknown query word is replaced by its nearest word of the KB's own vocabulary
      // (trigram similarity over KnowledgeWord, limited to what this caller may see), then full text again.
      const corrected = await this.correct(q.q, KbVisibility.readerOf(user));
      if (corrected) {
        const again = await this.fulltext(corrected, where, limit, offset, record);
        if (again.total > 0) {
          page = again;
          mode = 'fuzzy';
          correctedQuery = corrected;
        }
      }
    }
    if (page.total === 0 && q.page === 1) {
      // Last resort for partial words: trigram similarity on the title (GIN gin_trgm_ops index).
      // `<%`: word_similarity ≥ pg_trgm.word_similarity_threshold (0.6); `%`: similarity ≥ 0.3.
      // Bounded like full text: the first COUNT_CAP + 1 similar titles are counted and ranked (similarity
      // of a title is cheap: no body is read), so a short query similar to half the titles stops early.
      const rows = await this.prisma.$queryRaw<RawHit[]>`
        WITH similar_titles AS (
          SELECT a.id, GREATEST(word_similarity(${q.q}, a.title), similarity(a.title, ${q.q})) AS rank
          FROM "KnowledgeArticle" a
          WHERE (${q.q} <% a.title OR a.title % ${q.q}) AND ${where}
          LIMIT ${COUNT_CAP + 1}
        ),
        hits AS (
          SELECT s.id, s.rank, count(*) OVER () AS total
          FROM similar_titles s
          ORDER BY s.rank DESC, s.id
          LIMIT ${limit}
        )
        SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
               hits.rank::float8 AS rank, hits.total,
               ts_headline('english', ${BODY_WITHOUT_MARKERS}, plainto_tsquery('english', ${q.q}), ${HEADLINE_OPTS}) AS snippet
        FROM hits JOIN "KnowledgeArticle" a ON a.id = hits.id
        ORDER BY hits.rank DESC, a.id`;
      if (rows.length) {
        const n = Number(rows[0]!.total);
        mode = 'fuzzy';
        page = { rows, total: Math.min(n, COUNT_CAP), totalExact: n <= COUNT_CAP, searchId: null };
      }
    }

    const items: SearchHit[] = page.rows.map((r) =>
      Object.freeze({
        id: r.id,
        title: r.title,
        slug: r.slug,
        excerpt: r.excerpt,
        status: r.status,
        categoryId: r.categoryId,
        publishedAt: r.publishedAt,
        rank: Number(r.rank),
        snippet: r.snippet != null ? highlightToHtml(r.snippet) : escapeHtml((r.excerpt ?? '').slice(0, 300)),
      }),
    );
    // Frozen: a kept result is shared by every response that reuses it.
    const found = Object.freeze({
      correctedQuery,
      mode,
      items: Object.freeze(items) as SearchHit[],
      total: page.total,
      totalExact: page.totalExact,
    });
    return { found, searchId: page.searchId };
  }

  /**
   * One page of full-text hits and the number of matches, in one statement.
   *
   * Counting: the first COUNT_CAP + 1 matches the index yields are counted (exact up to COUNT_CAP, "more
   * than" beyond), so a common word that matches thousands of articles stops the heap scan early.
   *
   * Ranking is bounded: ts_rank_cd has to read (de-TOAST) each article's whole search vector, which is most
   * of the cost of a common word. It ranks the first RANK_CANDIDATES of the counted matches; below that many
   * matches (most queries in most knowledge bases) the ranking is exact. Above, the matches ranked are the
   * ones the index yields first, which may leave out the articles with the word in their title: when the
   * best of them has not the query in its title, up to TITLE_CANDIDATES title matches (title-only GIN index)
   * are ranked with them, so a title match comes first however many articles mention the word in their
   * body. Within the first RANK_CANDIDATES results the candidates do not depend on the page, so pages do not
   * overlap; beyond, both bounds grow with the requested page.
   *
   * The tsquery is written inline rather than in a CTE so that the planner folds it into a constant: it
   * then estimates the matches and uses the partial index of published articles. Headlines are built for
   * the page alone.
   *
   * `record`: when there are matches, the search history row is inserted by the same statement (one round
   * trip less per search); its id comes back on every row as `searchId`.
   */
  private async fulltext(
    text: string,
    where: Prisma.Sql,
    limit: number,
    offset: number,
    record?: HistoryRow,
  ): Promise<FulltextPage> {
    const tsq = Prisma.sql`websearch_to_tsquery('english', ${text})`;
    const wanted = offset + limit;
    const rankCap = Math.max(RANK_CANDIDATES, wanted);
    // A title match is only a candidate if the article matches the whole query: with a negated word
    // ("-foo") the title can match while the body does not. Other operators (and, or, phrase) cannot
    // match the title alone without matching the article, so the check (which reads the search vector)
    // is skipped for them; the planner folds the strpos() of the constant query.
    const history = record
      ? Prisma.sql`, history AS (
          INSERT INTO "KnowledgeSearchHistory" ("query", "normalizedQuery", "resultCount", "userId")
          SELECT ${record.query}, ${record.normalizedQuery}, LEAST(counted.total, ${COUNT_CAP})::int, ${record.userId}::uuid
          FROM counted WHERE counted.total > 0
          RETURNING id
        )`
      : Prisma.empty;
    const searchId = record ? Prisma.sql`(SELECT id FROM history)` : Prisma.sql`NULL::uuid`;
    const rows = await this.prisma.$queryRaw<(RawHit & { searchId: string | null })[]>`
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
        -- Runs only when the ranked matches may have left out title matches: a one-time filter, so the
        -- title index is not even read when the best-ranked match has the query in its title.
        SELECT * FROM title_hits
        WHERE (SELECT total FROM counted) > ${rankCap}
          AND NOT EXISTS (SELECT 1 FROM top JOIN "KnowledgeArticle" a ON a.id = top.id
                          WHERE to_tsvector('english'::regconfig, a.title) @@ ${tsq})
      ),
      page AS (
        SELECT c.id, c.rank
        FROM candidates c
        ORDER BY c.rank DESC, c."publishedAt" DESC NULLS LAST, c.id
        LIMIT ${limit} OFFSET ${offset}
      )${history}
      SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
             page.rank::float8 AS rank, counted.total,
             ts_headline('english', ${BODY_WITHOUT_MARKERS}, ${tsq}, ${HEADLINE_OPTS}) AS snippet,
             ${searchId} AS "searchId"
      FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, counted
      UNION ALL
      -- A page past the last match still reports the number of matches (and the history row).
      SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, counted.total, NULL, ${searchId}
      FROM counted WHERE NOT EXISTS (SELECT 1 FROM page)
      ORDER BY rank DESC NULLS LAST, "publishedAt" DESC NULLS LAST, id`;
    const n = Number(rows[0]?.total ?? 0);
    return {
      rows: rows.filter((r) => r.id !== null),
      total: Math.min(n, COUNT_CAP),
      totalExact: n <= COUNT_CAP,
      searchId: rows[0]?.searchId ?? null,
    };
  }

  /**
   * The query with each unknown word replaced by the most similar word of the knowledge base's vocabulary
   * (counting only articles the caller may see: published ones unless staff), or null when nothing changes.
   * Stop words, short words and numbers are kept as they are.
   */
  async correct(text: string, reader: KbReader): Promise<string | null> {
    const tokens = (
      text
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? []
    ).slice(0, MAX_QUERY_WORDS);
    if (tokens.length === 0) return null;
    const visible = KbVisibility.vocabularyCount(reader);
    const rows = await this.prisma.$queryRaw<{ token: string; fixed: string | null }[]>`
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
      FROM unnest(${tokens}::text[]) WITH ORDINALITY AS t(token, ord)
      ORDER BY t.ord`;
    if (!rows.some((r) => r.fixed)) return null;
    return rows.map((r) => r.fixed ?? r.token).join(' ');
  }

  async recordClick(user: AuthUser | undefined, searchId: string, articleId: string): Promise<void> {
    const article = await this.prisma.knowledgeArticle.findFirst({
      where: { id: articleId, ...KbVisibility.where(KbVisibility.readerOf(user)) },
      select: { id: true },
    });
    if (!article) throw new NotFoundException('Article not found');
    // Only the searcher (or anyone, for anonymous searches) may report the click.
    const res = await this.prisma.knowledgeSearchHistory.updateMany({
      where: { id: searchId, OR: [{ userId: null }, ...(user ? [{ userId: user.id }] : [])] },
      data: { clickedArticleId: article.id },
    });
    if (res.count === 0) throw new NotFoundException('Search not found');
  }

  async analytics(q: AnalyticsQueryDto) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
    if (from >= to) throw new ValidationFailedException([{ field: 'from', messages: ['from must be before to'] }]);
    const range = Prisma.sql`"createdAt" >= ${from} AND "createdAt" < ${to}`;
    const [totals] = await this.prisma.$queryRaw<{ searches: number; clicks: number; zero: number }[]>`
      SELECT count(*)::int AS searches, count("clickedArticleId")::int AS clicks,
             count(*) FILTER (WHERE "resultCount" = 0)::int AS zero
      FROM "KnowledgeSearchHistory" WHERE ${range}`;
    const topQueries = await this.prisma.$queryRaw<
      { query: string; searches: number; clicks: number; avgResults: number; clickThroughRate: number }[]
    >`
      SELECT "normalizedQuery" AS query, count(*)::int AS searches, count("clickedArticleId")::int AS clicks,
             avg("resultCount")::float8 AS "avgResults",
             (count("clickedArticleId")::float8 / count(*)) AS "clickThroughRate"
      FROM "KnowledgeSearchHistory" WHERE ${range}
      GROUP BY "normalizedQuery" ORDER BY searches DESC, query LIMIT ${q.limit}`;
    const zeroResultQueries = await this.prisma.$queryRaw<{ query: string; searches: number; lastSearchedAt: Date }[]>`
      SELECT "normalizedQuery" AS query, count(*)::int AS searches, max("createdAt") AS "lastSearchedAt"
      FROM "KnowledgeSearchHistory" WHERE ${range} AND "resultCount" = 0
      GROUP BY "normalizedQuery" ORDER BY searches DESC, query LIMIT ${q.limit}`;
    const t = totals ?? { searches: 0, clicks: 0, zero: 0 };
    return {
      from,
      to,
      totalSearches: t.searches,
      totalClicks: t.clicks,
      zeroResultSearches: t.zero,
      clickThroughRate: t.searches ? t.clicks / t.searches : 0,
      topQueries,
      zeroResultQueries,
    };
  }

  /** Top published articles for a ticket's subject + description (any of the words, ranked). */
  async suggestedForTicket(user: AuthUser, ticketId: string, limit = 5) {
    const ticket = await this.ticketAccess.findVisibleOrThrow(user, ticketId);
    const text = `${ticket.subject}\n${ticket.description}`.slice(0, 4000);
    const rows = await this.prisma.$queryRaw<RawHit[]>`
      WITH query AS (
        SELECT NULLIF(replace(plainto_tsquery('english', ${text})::text, '&', '|'), '')::tsquery AS tsq
      ), page AS (
        SELECT a.id, ts_rank_cd(a."searchVector", query.tsq) AS rank
        FROM "KnowledgeArticle" a, query
        WHERE query.tsq IS NOT NULL AND a."searchVector" @@ query.tsq
          AND ${KbVisibility.sql('public')}
        ORDER BY rank DESC, a.id
        LIMIT ${limit}
      )
      SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
             page.rank::float8 AS rank, 0 AS total,
             ts_headline('english', ${BODY_WITHOUT_MARKERS}, query.tsq, ${HEADLINE_OPTS}) AS snippet
      FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, query
      ORDER BY page.rank DESC, a.id`;
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      slug: r.slug,
      excerpt: r.excerpt,
      rank: Number(r.rank),
      snippet: highlightToHtml(r.snippet),
    }));
  }
}
