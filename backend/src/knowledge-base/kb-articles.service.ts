import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { createTwoFilesPatch, diffLines } from 'diff';
import { KnowledgeArticleStatus, Prisma, type KnowledgeArticleFeedback } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { paginated, pageArgs, type Paginated } from '../common/pagination.js';
import { KbVisibility, lockRow } from '@nixflow/domain';
import { PrismaService } from '../prisma/prisma.service.js';
import type {
  CreateArticleDto,
  FeedbackDto,
  ListArticlesQueryDto,
  ListFeedbackQueryDto,
  RatingDto,
  UpdateArticleDto,
} from './dto/kb.dto.js';
import { isUuid, renderMarkdown, slugify } from './kb-common.js';
import { EmptiesKbSearchCache, KbSearchCache } from './kb-search-cache.js';
import { KbTaxonomyService } from './kb-taxonomy.service.js';

const ARTICLE_INCLUDE = {
  tags: { select: { id: true, name: true, slug: true }, orderBy: { name: 'asc' } },
  category: { select: { id: true, name: true, slug: true } },
  author: { select: { id: true, name: true } },
} as const satisfies Prisma.KnowledgeArticleInclude;

type ArticleRow = Prisma.KnowledgeArticleGetPayload<{ include: typeof ARTICLE_INCLUDE }>;
export type ArticleView = Omit<ArticleRow, 'deletedAt'> & { html: string };

/** Allowed status changes (same status is always allowed). */
const TRANSITIONS: Record<KnowledgeArticleStatus, KnowledgeArticleStatus[]> = {
  DRAFT: ['IN_REVIEW', 'PUBLISHED', 'ARCHIVED'],
  IN_REVIEW: ['DRAFT', 'PUBLISHED', 'ARCHIVED'],
  PUBLISHED: ['DRAFT', 'ARCHIVED'],
  ARCHIVED: ['DRAFT', 'PUBLISHED'],
};

interface Edit {
  title?: string;
  body?: string;
  excerpt?: string | null;
  slug?: string;
  categoryId?: string | null;
  tagIds?: string[];
  status?: KnowledgeArticleStatus;
  changeNote?: string;
}

@Injectable()
export class KbArticlesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly taxonomy: KbTaxonomyService,
    readonly searchCache: KbSearchCache,
  ) {}

  /** What the caller may read (see KbVisibility). */
  visibleWhere(user: AuthUser | undefined): Prisma.KnowledgeArticleWhereInput {
    return KbVisibility.where(KbVisibility.readerOf(user));
  }

  /** The API shape: the row (without deletedAt, always null here) and the rendered body. */
  present({ deletedAt: _deleted, ...row }: ArticleRow): ArticleView {
    return { ...row, html: renderMarkdown(row.body) };
  }

  async list(
    user: AuthUser | undefined,
    q: ListArticlesQueryDto,
  ): Promise<Paginated<Omit<ArticleView, 'body' | 'html'>>> {
    const where: Prisma.KnowledgeArticleWhereInput = { ...this.visibleWhere(user) };
    if (q.status) {
      if (!KbVisibility.seesStatus(KbVisibility.readerOf(user), q.status)) return paginated([], 0, q.page, q.pageSize);
      where.status = q.status;
    }
    if (q.category) where.categoryId = await this.taxonomy.resolveCategoryId(q.category);
    if (q.tag) where.tags = { some: isUuid(q.tag) ? { id: q.tag } : { slug: q.tag } };
    if (q.q) where.title = { contains: q.q, mode: 'insensitive' };
    const [rows, total] = await Promise.all([
      this.prisma.knowledgeArticle.findMany({
        where,
        include: ARTICLE_INCLUDE,
        omit: { body: true, deletedAt: true },
        orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
        ...pageArgs(q),
      }),
      this.prisma.knowledgeArticle.count({ where }),
    ]);
    return paginated(rows, total, q.page, q.pageSize);
  }

  /** The raw row the caller may see, else 404. */
  async findVisible(user: AuthUser | undefined, idOrSlug: string): Promise<ArticleRow> {
    const row = await this.prisma.knowledgeArticle.findFirst({
      where: { ...this.visibleWhere(user), ...(isUuid(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug }) },
      include: ARTICLE_INCLUDE,
    });
    if (!row) throw new NotFoundException('Article not found');
    return row;
  }

  async get(user: AuthUser | undefined, idOrSlug: string): Promise<ArticleView> {
    return this.present(await this.findVisible(user, idOrSlug));
  }

  @EmptiesKbSearchCache()
  async create(user: AuthUser, dto: CreateArticleDto): Promise<ArticleView> {
    await this.taxonomy.assertArticleRefs(dto.categoryId, dto.tagIds);
    const status = dto.status ?? KnowledgeArticleStatus.DRAFT;
    const base = dto.slug ?? slugify(dto.title);
    for (let attempt = 0; ; attempt++) {
      const slug = dto.slug ?? (await this.freeSlug(base));
      try {
        const row = await this.prisma.$transaction(async (tx) => {
          const a = await tx.knowledgeArticle.create({
            data: {
              title: dto.title,
              body: dto.body,
              excerpt: dto.excerpt,
              slug,
              status,
              publishedAt: status === KnowledgeArticleStatus.PUBLISHED ? new Date() : null,
              categoryId: dto.categoryId,
              authorId: user.id,
              currentVersion: 1,
              tags: dto.tagIds?.length ? { connect: [...new Set(dto.tagIds)].map((id) => ({ id })) } : undefined,
            },
            include: ARTICLE_INCLUDE,
          });
          await tx.knowledgeArticleVersion.create({
            data: {
              articleId: a.id,
              version: 1,
              title: a.title,
              body: a.body,
              excerpt: a.excerpt,
              authorId: user.id,
              changeNote: dto.changeNote ?? 'Created',
            },
          });
          return a;
        });
        return this.present(row);
      } catch (err) {
        // Lost a race for a generated slug: pick the next free one.
        const target = JSON.stringify((err as { meta?: unknown }).meta ?? '');
        if (!dto.slug && attempt < 5 && (err as { code?: string }).code === 'P2002' && /slug/.test(target)) continue;
        throw err;
      }
    }
  }

  /** `base`, or `base-N` with the smallest N ≥ 2 not taken (deleted articles keep their slug). */
  private async freeSlug(base: string): Promise<string> {
    const rows = await this.prisma.$queryRaw<{ slug: string }[]>`
      SELECT slug FROM "KnowledgeArticle" WHERE slug = ${base} OR slug ~ ${`^${base}-[0-9]+$`}`;
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  @EmptiesKbSearchCache()
  async update(user: AuthUser, id: string, dto: UpdateArticleDto): Promise<ArticleView> {
    const { expectedVersion, ...edit } = dto;
    await this.taxonomy.assertArticleRefs(edit.categoryId, edit.tagIds);
    return this.applyEdit(user, id, expectedVersion, edit);
  }

  /**
   * Saves an edit as a new version. Optimistic concurrency: the UPDATE only matches while
   * currentVersion still equals `expectedVersion`, so two editors cannot both win.
   */
  private async applyEdit(
    user: AuthUser,
    id: string,
    expectedVersion: number | undefined,
    edit: Edit,
  ): Promise<ArticleView> {
    const current = await this.prisma.knowledgeArticle.findFirst({
      where: { id, deletedAt: null },
      select: { currentVersion: true, status: true },
    });
    if (!current) throw new NotFoundException('Article not found');
    const expected = expectedVersion ?? current.currentVersion;
    if (expected !== current.currentVersion) this.stale(current.currentVersion);
    if (edit.status && edit.status !== current.status && !TRANSITIONS[current.status].includes(edit.status)) {
      throw new BadRequestException(`Cannot move an article from ${current.status} to ${edit.status}`);
    }
    const publishing =
      edit.status === KnowledgeArticleStatus.PUBLISHED && current.status !== KnowledgeArticleStatus.PUBLISHED;

    const row = await this.prisma.$transaction(async (tx) => {
      const res = await tx.knowledgeArticle.updateMany({
        where: { id, deletedAt: null, currentVersion: expected },
        data: {
          title: edit.title,
          body: edit.body,
          excerpt: edit.excerpt,
          slug: edit.slug,
          categoryId: edit.categoryId,
          status: edit.status,
          publishedAt: publishing ? new Date() : undefined,
          currentVersion: { increment: 1 },
        },
      });
      if (res.count === 0) {
        const now = await tx.knowledgeArticle.findFirst({
          where: { id, deletedAt: null },
          select: { currentVersion: true },
        });
        if (!now) throw new NotFoundException('Article not found');
        this.stale(now.currentVersion);
      }
      const a = await tx.knowledgeArticle.update({
        where: { id },
        data: edit.tagIds ? { tags: { set: [...new Set(edit.tagIds)].map((t) => ({ id: t })) } } : {},
        include: ARTICLE_INCLUDE,
      });
      await tx.knowledgeArticleVersion.create({
        data: {
          articleId: id,
          version: a.currentVersion,
          title: a.title,
          body: a.body,
          excerpt: a.excerpt,
          authorId: user.id,
          changeNote: edit.changeNote ?? null,
        },
      });
      return a;
    });
    return this.present(row);
  }

  private stale(version: number): never {
    throw new ConflictException(`Article was changed by someone else (version ${version})`);
  }

  @EmptiesKbSearchCache()
  async softDelete(id: string): Promise<void> {
    const res = await this.prisma.knowledgeArticle.updateMany({
      where: { id, deletedAt: null },
      data: { deletedAt: new Date() },
    });
    if (res.count === 0) throw new NotFoundException('Article not found');
  }

  // ── versions ──

  async versions(user: AuthUser | undefined, id: string) {
    const a = await this.findVisible(user, id);
    return this.prisma.knowledgeArticleVersion.findMany({
      where: { articleId: a.id },
      select: {
        id: true,
        version: true,
        title: true,
        excerpt: true,
        authorId: true,
        author: { select: { id: true, name: true } },
        changeNote: true,
        createdAt: true,
      },
      orderBy: { version: 'desc' },
    });
  }

  async version(user: AuthUser | undefined, id: string, n: number) {
    const a = await this.findVisible(user, id);
    const v = await this.prisma.knowledgeArticleVersion.findUnique({
      where: { articleId_version: { articleId: a.id, version: n } },
      include: { author: { select: { id: true, name: true } } },
    });
    if (!v) throw new NotFoundException(`Version ${n} not found`);
    return { ...v, html: renderMarkdown(v.body) };
  }

  async diff(user: AuthUser | undefined, id: string, from: number, to: number) {
    const [a, b] = await Promise.all([this.version(user, id, from), this.version(user, id, to)]);
    const lines = (x: string, y: string) =>
      diffLines(x.endsWith('\n') ? x : `${x}\n`, y.endsWith('\n') ? y : `${y}\n`).map((c) => ({
        op: c.added ? ('add' as const) : c.removed ? ('remove' as const) : ('equal' as const),
        count: c.count,
        value: c.value,
      }));
    const changes = (parts: { op: string; count?: number }[], op: string) =>
      parts.filter((p) => p.op === op).reduce((s, p) => s + (p.count ?? 0), 0);
    const title = lines(a.title, b.title);
    const body = lines(a.body, b.body);
    return {
      from,
      to,
      title,
      body,
      excerpt: lines(a.excerpt ?? '', b.excerpt ?? ''),
      /** The body change as a unified patch, for tools that want the classic format. */
      unified: createTwoFilesPatch(`v${from}`, `v${to}`, a.body, b.body, undefined, undefined, { context: 3 }),
      stats: { added: changes(body, 'add'), removed: changes(body, 'remove'), titleChanged: a.title !== b.title },
    };
  }

  @EmptiesKbSearchCache()
  async restore(
    user: AuthUser,
    id: string,
    n: number,
    expectedVersion?: number,
    changeNote?: string,
  ): Promise<ArticleView> {
    const v = await this.prisma.knowledgeArticleVersion.findUnique({
      where: { articleId_version: { articleId: id, version: n } },
    });
    if (!v) throw new NotFoundException(`Version ${n} not found`);
    return this.applyEdit(user, id, expectedVersion, {
      title: v.title,
      body: v.body,
      excerpt: v.excerpt,
      changeNote: changeNote ?? `Restored version ${n}`,
    });
  }

  // ── ratings, views, feedback ──

  /** One rating per user (changeable); the counters are recomputed in SQL under the article's row lock. */
  async rate(user: AuthUser, id: string, dto: RatingDto) {
    if (dto.helpful === undefined && dto.score === undefined)
      throw new BadRequestException('Give helpful and/or score');
    const a = await this.findVisible(user, id);
    return this.prisma.$transaction(async (tx) => {
      await lockRow(tx, 'KnowledgeArticle', a.id);
      const rating = await tx.knowledgeArticleRating.upsert({
        where: { articleId_userId: { articleId: a.id, userId: user.id } },
        create: { articleId: a.id, userId: user.id, helpful: dto.helpful ?? null, score: dto.score ?? null },
        update: { helpful: dto.helpful, score: dto.score },
      });
      const [counts] = await tx.$queryRaw<
        { helpfulCount: number; notHelpfulCount: number; ratingCount: number; averageScore: number | null }[]
      >`
        WITH c AS (
          SELECT count(*) FILTER (WHERE helpful IS TRUE)::int AS h,
                 count(*) FILTER (WHERE helpful IS FALSE)::int AS nh,
                 count(score)::int AS n,
                 avg(score)::float8 AS avg
          FROM "KnowledgeArticleRating" WHERE "articleId" = ${a.id}::uuid
        )
        UPDATE "KnowledgeArticle" SET "helpfulCount" = c.h, "notHelpfulCount" = c.nh
        FROM c WHERE id = ${a.id}::uuid
        RETURNING c.h AS "helpfulCount", c.nh AS "notHelpfulCount", c.n AS "ratingCount", c.avg AS "averageScore"`;
      return { helpful: rating.helpful, score: rating.score, ...counts };
    });
  }

  /** Counts a view at most once per reader per UTC day, in one statement. */
  async recordView(articleId: string, key: string): Promise<{ counted: boolean; viewCount: number }> {
    const rows = await this.prisma.$queryRaw<{ counted: boolean; viewCount: number }[]>`
      WITH ins AS (
        INSERT INTO "KnowledgeArticleView" ("articleId", "viewerKey", "viewedOn")
        VALUES (${articleId}::uuid, ${key}, (now() AT TIME ZONE 'UTC')::date)
        ON CONFLICT ("articleId", "viewerKey", "viewedOn") DO NOTHING
        RETURNING 1
      ), upd AS (
        UPDATE "KnowledgeArticle" SET "viewCount" = "viewCount" + 1
        WHERE id = ${articleId}::uuid AND EXISTS (SELECT 1 FROM ins)
        RETURNING "viewCount"
      )
      SELECT EXISTS (SELECT 1 FROM upd) AS counted,
             COALESCE((SELECT "viewCount" FROM upd),
                      (SELECT "viewCount" FROM "KnowledgeArticle" WHERE id = ${articleId}::uuid)) AS "viewCount"`;
    return rows[0] ?? { counted: false, viewCount: 0 };
  }

  async addFeedback(user: AuthUser, id: string, dto: FeedbackDto) {
    const a = await this.findVisible(user, id);
    return this.prisma.knowledgeArticleFeedback.create({ data: { articleId: a.id, userId: user.id, body: dto.body } });
  }

  async listFeedback(q: ListFeedbackQueryDto) {
    const where: Prisma.KnowledgeArticleFeedbackWhereInput = { status: q.status, articleId: q.articleId };
    const [items, total] = await Promise.all([
      this.prisma.knowledgeArticleFeedback.findMany({
        where,
        include: {
          article: { select: { id: true, title: true, slug: true } },
          user: { select: { id: true, name: true } },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        ...pageArgs(q),
      }),
      this.prisma.knowledgeArticleFeedback.count({ where }),
    ]);
    return paginated(items, total, q.page, q.pageSize);
  }

  updateFeedback(id: string, status: string): Promise<KnowledgeArticleFeedback> {
    const closed = status === 'RESOLVED' || status === 'DISMISSED';
    return this.prisma.knowledgeArticleFeedback.update({
      where: { id },
      data: { status, resolvedAt: closed ? new Date() : null },
    });
  }
}
