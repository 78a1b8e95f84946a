import { Injectable, NotFoundException } from '@nestjs/common';
import { KnowledgeArticleStatus, Prisma } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { TicketAccessService } from '../tickets/ticket-access.service.js';
import type { AnalyticsQueryDto, SearchQueryDto } from './dto/kb.dto.js';
import { escapeHtml, highlightToHtml, isStaff, isUuid, MARK_END, MARK_START, normalizeQuery } from './kb-common.js';

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
  mode: 'fulltext' | 'fuzzy';
  items: SearchHit[];
  total: number;
  page: number;
  pageSize: number;
}

interface RawHit extends Omit<SearchHit, 'snippet' | 'rank'> {
  rank: number;
  snippet: string | null;
  total: bigint | number;
}

const HEADLINE_OPTS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/** The body with the marker characters removed, so an article cannot forge highlight tags. */
const BODY_WITHOUT_MARKERS = Prisma.sql`translate(a.body, ${MARK_START + MARK_END}, '')`;

@Injectable()
export class KbSearchService {
  constructor(
    private readonly prisma: PrismaService,
    // Nest injects the shared one; the default lets the benchmark build the service by hand.
    private readonly ticketAccess: TicketAccessService = new TicketAccessService(prisma),
  ) {}

  /** SQL filter for what the caller may see plus the optional category (with sub-categories) and tag. */
  private async filters(user: AuthUser | undefined, category?: string, tag?: string): Promise<Prisma.Sql> {
    const parts: Prisma.Sql[] = [Prisma.sql`a."deletedAt" IS NULL`];
    if (!isStaff(user)) parts.push(Prisma.sql`a.status = 'PUBLISHED'::"KnowledgeArticleStatus"`);
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
      parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "_KnowledgeArticleToKnowledgeTag" at JOIN "KnowledgeTag" t ON t.id = at."B"
        WHERE at."A" = a.id AND ${match})`);
    }
    return Prisma.join(parts, ' AND ');
  }

  async search(user: AuthUser | undefined, q: SearchQueryDto): Promise<SearchResult> {
    const where = await this.filters(user, q.category, q.tag);
    const limit = q.pageSize;
    const offset = (q.page - 1) * q.pageSize;
    let mode: SearchResult['mode'] = 'fulltext';
    // Full text: rank the matching page first, then build headlines for that page only.
    let rows = await this.prisma.$queryRaw<RawHit[]>`
      WITH query AS (SELECT websearch_to_tsquery('english', ${q.q}) AS tsq),
      page AS (
        SELECT a.id, ts_rank_cd(a."searchVector", query.tsq) AS rank, count(*) OVER () AS total
        FROM "KnowledgeArticle" a, query
        WHERE a."searchVector" @@ query.tsq AND ${where}
        ORDER BY rank DESC, a."publishedAt" DESC NULLS LAST, a.id
        LIMIT ${limit} OFFSET ${offset}
      )
      SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
             page.rank::float8 AS rank, page.total,
             ts_headline('english', ${BODY_WITHOUT_MARKERS}, query.tsq, ${HEADLINE_OPTS}) AS snippet
      FROM page JOIN "KnowledgeArticle" a ON a.id = page.id, query
      ORDER BY page.rank DESC, a."publishedAt" DESC NULLS LAST, a.id`;

    if (rows.length === 0 && q.page === 1) {
      // Typos / partial words: trigram similarity on the title (GIN gin_trgm_ops index).
      // `<%`: word_similarity ≥ pg_trgm.word_similarity_threshold (0.6); `%`: similarity ≥ 0.3.
      mode = 'fuzzy';
      rows = await this.prisma.$queryRaw<RawHit[]>`
        SELECT a.id, a.title, a.slug, a.excerpt, a.status, a."categoryId", a."publishedAt",
               GREATEST(word_similarity(${q.q}, a.title), similarity(a.title, ${q.q}))::float8 AS rank,
               count(*) OVER () AS total,
               NULL::text AS snippet
        FROM "KnowledgeArticle" a
        WHERE (${q.q} <% a.title OR a.title % ${q.q}) AND ${where}
        ORDER BY rank DESC, a.id
        LIMIT ${limit}`;
      if (rows.length === 0) mode = 'fulltext';
    }

    const total = rows.length ? Number(rows[0]!.total) : 0;
    const items: SearchHit[] = rows.map((r) => ({
      id: r.id,
      title: r.title,
      slug: r.slug,
      excerpt: r.excerpt,
      status: r.status,
      categoryId: r.categoryId,
      publishedAt: r.publishedAt,
      rank: Number(r.rank),
      snippet: r.snippet != null ? highlightToHtml(r.snippet) : escapeHtml((r.excerpt ?? '').slice(0, 300)),
    }));
    // One cheap insert; its id lets the client report which result was clicked.
    const history = await this.prisma.knowledgeSearchHistory.create({
      data: {
        query: q.q.slice(0, 500),
        normalizedQuery: normalizeQuery(q.q).slice(0, 500),
        resultCount: total,
        userId: user?.id,
      },
      select: { id: true },
    });
    return { searchId: history.id, query: q.q, mode, items, total, page: q.page, pageSize: q.pageSize };
  }

  async recordClick(user: AuthUser | undefined, searchId: string, articleId: string): Promise<void> {
    const article = await this.prisma.knowledgeArticle.findFirst({
      where: {
        id: articleId,
        deletedAt: null,
        ...(isStaff(user) ? {} : { status: KnowledgeArticleStatus.PUBLISHED }),
      },
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
          AND a."deletedAt" IS NULL AND a.status = 'PUBLISHED'::"KnowledgeArticleStatus"
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
