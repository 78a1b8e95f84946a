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
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { KBCategory, KnowledgeArticleStatus } from '@nixflow/db/client';
import { PaginationQueryDto, QueryInt } from '../../common/pagination.js';
import { Nullable, IsOptionalNotNull } from '../../common/nullability.js';

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
  @IsOptionalNotNull()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(100)
  slug?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ enum: KBCategory, enumName: 'KBCategory' })
  @IsOptionalNotNull()
  @IsEnum(KBCategory)
  kind?: KBCategory;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @Nullable()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ type: 'integer', default: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  position?: number;
}

export class UpdateCategoryDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(100)
  slug?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ enum: KBCategory, enumName: 'KBCategory' })
  @IsOptionalNotNull()
  @IsEnum(KBCategory)
  kind?: KBCategory;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @Nullable()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ type: 'integer' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  position?: number;
}

export class CategoryNodeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: KBCategory, enumName: 'KBCategory' }) kind!: KBCategory;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) parentId!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) position!: number;
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
  @IsOptionalNotNull()
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
  @IsOptionalNotNull()
  @IsEnum(KnowledgeArticleStatus)
  status?: KnowledgeArticleStatus;

  @ApiPropertyOptional({ description: 'Category id or slug' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ description: 'Tag id or slug' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  tag?: string;

  @ApiPropertyOptional({ description: 'Substring of the title' })
  @IsOptionalNotNull()
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
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  excerpt?: string;

  @ApiPropertyOptional({ description: 'Defaults to a unique slug of the title' })
  @IsOptionalNotNull()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  categoryId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tagIds?: string[];

  @ApiPropertyOptional({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus', default: 'DRAFT' })
  @IsOptionalNotNull()
  @IsEnum(KnowledgeArticleStatus)
  status?: KnowledgeArticleStatus;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  changeNote?: string;
}

export class UpdateArticleDto {
  @ApiProperty({
    type: 'integer',
    description: 'The currentVersion the editor read; 409 when the article changed since',
  })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500_000)
  body?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  excerpt?: string | null;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @Matches(SLUG_RE, { message: SLUG_MESSAGE })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @Nullable()
  @IsUUID()
  categoryId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tagIds?: string[];

  @ApiPropertyOptional({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus' })
  @IsOptionalNotNull()
  @IsEnum(KnowledgeArticleStatus)
  status?: KnowledgeArticleStatus;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  changeNote?: string;
}

export class RestoreVersionDto {
  @ApiPropertyOptional({ type: 'integer', description: 'When given, 409 if the article changed since' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  changeNote?: string;
}

export class DiffQueryDto {
  @ApiProperty({ type: 'integer' })
  @QueryInt()
  @IsInt()
  @Min(1)
  from!: number;

  @ApiProperty({ type: 'integer' })
  @QueryInt()
  @IsInt()
  @Min(1)
  to!: number;
}

export class RatingDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  helpful?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
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
  @IsOptionalNotNull()
  @IsIn(FEEDBACK_STATUSES)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
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
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ description: 'Tag id or slug' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  tag?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 10 })
  @IsOptionalNotNull()
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

export class SearchClickDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  articleId!: string;
}

export class AnalyticsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 30 days ago' })
  @IsOptionalNotNull()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptionalNotNull()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ type: 'integer', default: 20 })
  @IsOptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}
