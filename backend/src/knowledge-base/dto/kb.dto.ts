import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { KBCategory, KnowledgeArticleStatus } from '@nixflow/db/client';
import { PaginationQueryDto, QueryInt } from '../../common/pagination.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
// Lower-case words joined by hyphens; never UUID-shaped, since routes take "id or slug".
const SLUG_RE = /^(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = '$property must be lower-case letters and digits joined by hyphens, and not look like an id';

// ── categories & tags ──

export class CreateCategoryDto {
  @ApiProperty({ example: 'Getting started' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'getting-started', description: 'Defaults to a slug of the name' })
  @IsOptional()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(100)
  slug?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ enum: KBCategory, enumName: 'KBCategory' })
  @IsOptional()
  @IsEnum(KBCategory)
  kind?: KBCategory;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;
}

export class UpdateCategoryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(100)
  slug?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ enum: KBCategory, enumName: 'KBCategory' })
  @IsOptional()
  @IsEnum(KBCategory)
  kind?: KBCategory;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;
}

export class CategoryNodeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
  @ApiPropertyOptional({ nullable: true }) description!: string | null;
  @ApiProperty({ enum: KBCategory, enumName: 'KBCategory' }) kind!: KBCategory;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) parentId!: string | null;
  @ApiProperty() position!: number;
  @ApiProperty({ type: () => [CategoryNodeDto] }) children!: CategoryNodeDto[];
}

export class CreateTagDto {
  @ApiProperty({ example: 'Billing' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(100)
  slug?: string;
}

export class TagDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
}

// ── articles ──

export class ListArticlesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus' })
  @IsOptional()
  @IsEnum(KnowledgeArticleStatus)
  status?: KnowledgeArticleStatus;

  @ApiPropertyOptional({ description: 'Category id or slug' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ description: 'Tag id or slug' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string;

  @ApiPropertyOptional({ description: 'Substring of the title' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class CreateArticleDto {
  @ApiProperty()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title!: string;

  @ApiProperty({ description: 'Markdown' })
  @IsString()
  @MaxLength(500_000)
  body!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  excerpt?: string;

  @ApiPropertyOptional({ description: 'Defaults to a unique slug of the title' })
  @IsOptional()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  categoryId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tagIds?: string[];

  @ApiPropertyOptional({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus', default: 'DRAFT' })
  @IsOptional()
  @IsEnum(KnowledgeArticleStatus)
  status?: KnowledgeArticleStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  changeNote?: string;
}

export class UpdateArticleDto {
  @ApiProperty({ description: 'The currentVersion the editor read; 409 when the article changed since' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500_000)
  body?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(1000)
  excerpt?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID()
  categoryId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tagIds?: string[];

  @ApiPropertyOptional({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus' })
  @IsOptional()
  @IsEnum(KnowledgeArticleStatus)
  status?: KnowledgeArticleStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  changeNote?: string;
}

export class RestoreVersionDto {
  @ApiPropertyOptional({ description: 'When given, 409 if the article changed since' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  changeNote?: string;
}

export class DiffQueryDto {
  @ApiProperty()
  @QueryInt()
  @IsInt()
  @Min(1)
  from!: number;

  @ApiProperty()
  @QueryInt()
  @IsInt()
  @Min(1)
  to!: number;
}

export class RatingDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  helpful?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  score?: number;
}

export class FeedbackDto {
  @ApiProperty()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  body!: string;
}

export const FEEDBACK_STATUSES = ['NEW', 'IN_PROGRESS', 'RESOLVED', 'DISMISSED'] as const;

export class ListFeedbackQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: FEEDBACK_STATUSES })
  @IsOptional()
  @IsIn(FEEDBACK_STATUSES)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  articleId?: string;
}

export class UpdateFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_STATUSES })
  @IsIn(FEEDBACK_STATUSES)
  status!: string;
}

// ── search ──

export class SearchQueryDto {
  @ApiProperty({ example: 'reset password' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q!: string;

  @ApiPropertyOptional({ description: 'Category id or slug (includes sub-categories)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ description: 'Tag id or slug' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(50)
  pageSize: number = 10;
}

export class SearchHitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ type: String, nullable: true }) excerpt!: string | null;
  @ApiProperty({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus' }) status!: KnowledgeArticleStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) categoryId!: string | null;
  @ApiProperty({ type: Date, nullable: true }) publishedAt!: Date | null;
  @ApiProperty({ type: 'number', description: 'Relevance (higher first)' }) rank!: number;
  @ApiProperty({ description: 'Escaped text of the body around the matches, with <mark> around them' })
  snippet!: string;
}

export class SearchResultDto {
  @ApiProperty({ format: 'uuid', description: 'Report a click with POST /api/kb/search/{searchId}/click' })
  searchId!: string;
  @ApiProperty() query!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Set when the results are for a corrected spelling of the query ("showing results for …")',
  })
  correctedQuery!: string | null;
  @ApiProperty({
    enum: ['fulltext', 'fuzzy'],
    description: 'fuzzy: typo-corrected query or similar titles',
  })
  mode!: 'fulltext' | 'fuzzy';
  @ApiProperty({ type: [SearchHitDto] }) items!: SearchHitDto[];
  @ApiProperty({ type: 'integer', description: 'Number of matches; counted up to 1000 (see totalExact)' })
  total!: number;
  @ApiProperty({ description: 'false: there are more than `total` matches ("1000+")' })
  totalExact!: boolean;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) pageSize!: number;
}

export class SearchClickDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  articleId!: string;
}

export class AnalyticsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 30 days ago' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}
