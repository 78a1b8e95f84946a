import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { FieldError } from '../common/error-body.js';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CategoryNodeDto, CreateCategoryDto, CreateTagDto, TagDto, UpdateCategoryDto } from './dto/kb.dto.js';
import { isUuid, slugify } from './kb-common.js';
import { EmptiesKbSearchCache, KbSearchCache } from './kb-search-cache.js';

const CATEGORY_SELECT = {
  id: true,
  name: true,
  slug: true,
  description: true,
  kind: true,
  parentId: true,
  position: true,
} as const;

@Injectable()
export class KbTaxonomyService {
  constructor(
    private readonly prisma: PrismaService,
    readonly searchCache: KbSearchCache,
  ) {}

  /** All categories as a forest, siblings ordered by position then name. */
  async tree(): Promise<CategoryNodeDto[]> {
    const rows = await this.prisma.knowledgeCategory.findMany({
      select: CATEGORY_SELECT,
      orderBy: [{ position: 'asc' }, { name: 'asc' }],
    });
    const nodes = new Map<string, CategoryNodeDto>(rows.map((r) => [r.id, { ...r, children: [] }]));
    const roots: CategoryNodeDto[] = [];
    for (const r of rows) {
      const node = nodes.get(r.id)!;
      const parent = r.parentId ? nodes.get(r.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }

  @EmptiesKbSearchCache()
  async createCategory(dto: CreateCategoryDto): Promise<CategoryNodeDto> {
    if (dto.parentId) await this.requireCategory(dto.parentId);
    const row = await this.prisma.knowledgeCategory.create({
      data: {
        name: dto.name,
        slug: dto.slug ?? slugify(dto.name),
        description: dto.description,
        kind: dto.kind,
        parentId: dto.parentId ?? null,
        position: dto.position ?? 0,
      },
      select: CATEGORY_SELECT,
    });
    return { ...row, children: [] };
  }

  @EmptiesKbSearchCache()
  async updateCategory(id: string, dto: UpdateCategoryDto): Promise<CategoryNodeDto> {
    await this.requireCategory(id);
    if (dto.parentId) {
      // Refuse cycles: the new parent must not be the category itself or one of its descendants.
      const rows = await this.prisma.$queryRaw<{ id: string }[]>`
        WITH RECURSIVE sub AS (
          SELECT id FROM "KnowledgeCategory" WHERE id = ${id}::uuid
          UNION SELECT c.id FROM "KnowledgeCategory" c JOIN sub ON c."parentId" = sub.id
        ) SELECT id::text FROM sub WHERE id = ${dto.parentId}::uuid`;
      if (rows.length) throw new BadRequestException('A category cannot be moved under itself or its descendants');
      await this.requireCategory(dto.parentId);
    }
    const row = await this.prisma.knowledgeCategory.update({
      where: { id },
      data: {
        name: dto.name,
        slug: dto.slug,
        description: dto.description,
        kind: dto.kind,
        parentId: dto.parentId,
        position: dto.position,
      },
      select: CATEGORY_SELECT,
    });
    return { ...row, children: [] };
  }

  @EmptiesKbSearchCache()
  async deleteCategory(id: string): Promise<void> {
    const cat = await this.prisma.knowledgeCategory.findUnique({
      where: { id },
      select: { id: true, _count: { select: { children: true, articles: true } } },
    });
    if (!cat) throw new NotFoundException('Category not found');
    if (cat._count.children > 0) throw new ConflictException('Category has sub-categories');
    if (cat._count.articles > 0) throw new ConflictException('Category still has articles');
    // The FK (Restrict) and a concurrent insert are caught by the global filter (P2003 → 409).
    await this.prisma.knowledgeCategory.delete({ where: { id } });
  }

  listTags(): Promise<TagDto[]> {
    return this.prisma.knowledgeTag.findMany({
      select: { id: true, name: true, slug: true },
      orderBy: { name: 'asc' },
    });
  }

  @EmptiesKbSearchCache()
  createTag(dto: CreateTagDto): Promise<TagDto> {
    return this.prisma.knowledgeTag.create({
      data: { name: dto.name, slug: dto.slug ?? slugify(dto.name) },
      select: { id: true, name: true, slug: true },
    });
  }

  @EmptiesKbSearchCache()
  async deleteTag(id: string): Promise<void> {
    await this.prisma.knowledgeTag.delete({ where: { id } });
  }

  /** Category id (or slug) → id, 404 when unknown. */
  async resolveCategoryId(idOrSlug: string): Promise<string> {
    const c = await this.prisma.knowledgeCategory.findFirst({
      where: isUuid(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug },
      select: { id: true },
    });
    if (!c) throw new NotFoundException('Category not found');
    return c.id;
  }

  async resolveTagId(idOrSlug: string): Promise<string> {
    const t = await this.prisma.knowledgeTag.findFirst({
      where: isUuid(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug },
      select: { id: true },
    });
    if (!t) throw new NotFoundException('Tag not found');
    return t.id;
  }

  /** An article's category and tags must exist: 400 naming the field, rather than a foreign-key 409/404. */
  async assertArticleRefs(categoryId: string | null | undefined, tagIds: string[] | undefined): Promise<void> {
    const errors: FieldError[] = [];
    if (categoryId) {
      const found = await this.prisma.knowledgeCategory.count({ where: { id: categoryId } });
      if (!found) errors.push({ field: 'categoryId', messages: ['Unknown category'] });
    }
    if (tagIds?.length) {
      const unique = [...new Set(tagIds)];
      const rows = await this.prisma.knowledgeTag.findMany({ where: { id: { in: unique } }, select: { id: true } });
      const known = new Set(rows.map((r) => r.id));
      const missing = unique.filter((id) => !known.has(id));
      if (missing.length) errors.push({ field: 'tagIds', messages: [`Unknown tag(s): ${missing.join(', ')}`] });
    }
    if (errors.length) throw new ValidationFailedException(errors);
  }

  private async requireCategory(id: string): Promise<void> {
    const c = await this.prisma.knowledgeCategory.findUnique({ where: { id }, select: { id: true } });
    if (!c) throw new NotFoundException('Category not found');
  }
}
