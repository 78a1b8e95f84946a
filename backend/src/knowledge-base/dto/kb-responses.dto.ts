import { ApiProperty } from '@nestjs/swagger';
import { KnowledgeArticleStatus } from '@nixflow/db/client';
import { FEEDBACK_STATUSES, TagDto } from './kb.dto.js';

// What the knowledge base routes answer. Each class describes exactly what the service returns; the e2e
// suites check every response against these schemas (backend/test/support/openapi-contract.ts).

/** A user as the knowledge base shows them: id and display name. */
export class KbPersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class KbCategoryRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
}

// ── articles ──

/** An article without its body (list entries). */
export class ArticleSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ type: String, nullable: true }) excerpt!: string | null;
  @ApiProperty({ enum: KnowledgeArticleStatus, enumName: 'KnowledgeArticleStatus' }) status!: KnowledgeArticleStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) categoryId!: string | null;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Pass as expectedVersion when editing' })
  currentVersion!: number;
  @ApiProperty({ type: Date, nullable: true, description: 'First publication' }) publishedAt!: Date | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Distinct readers per UTC day' }) viewCount!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) helpfulCount!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) notHelpfulCount!: number;
  @ApiProperty({ type: Date }) createdAt!: Date;
  @ApiProperty({ type: Date }) updatedAt!: Date;
  @ApiProperty({ type: [TagDto], description: 'By name' }) tags!: TagDto[];
  @ApiProperty({ type: KbCategoryRefDto, nullable: true }) category!: KbCategoryRefDto | null;
  @ApiProperty({ type: KbPersonDto }) author!: KbPersonDto;
}

export class ArticleDto extends ArticleSummaryDto {
  @ApiProperty({ description: 'Markdown' }) body!: string;
  @ApiProperty({ description: 'The body rendered to sanitised HTML' }) html!: string;
}

export class ArticleVersionSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) excerpt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null once the author is deleted' })
  authorId!: string | null;
  @ApiProperty({ type: KbPersonDto, nullable: true }) author!: KbPersonDto | null;
  @ApiProperty({ type: String, nullable: true }) changeNote!: string | null;
  @ApiProperty({ type: Date }) createdAt!: Date;
}

export class ArticleVersionDto extends ArticleVersionSummaryDto {
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty({ description: 'Markdown' }) body!: string;
  @ApiProperty({ description: 'The body rendered to sanitised HTML' }) html!: string;
}

export const DIFF_OPS = ['add', 'remove', 'equal'] as const;

/** A run of lines that was added, removed, or is the same in both versions. */
export class DiffPartDto {
  @ApiProperty({ enum: DIFF_OPS }) op!: (typeof DIFF_OPS)[number];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of lines' }) count!: number;
  @ApiProperty({ description: 'The lines, each ending with a newline' }) value!: string;
}

export class DiffStatsDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Body lines added' }) added!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Body lines removed' }) removed!: number;
  @ApiProperty() titleChanged!: boolean;
}

export class ArticleDiffDto {
  @ApiProperty({ type: 'integer' }) from!: number;
  @ApiProperty({ type: 'integer' }) to!: number;
  @ApiProperty({ type: [DiffPartDto] }) title!: DiffPartDto[];
  @ApiProperty({ type: [DiffPartDto] }) body!: DiffPartDto[];
  @ApiProperty({ type: [DiffPartDto] }) excerpt!: DiffPartDto[];
  @ApiProperty({ description: 'The body change as a unified patch' }) unified!: string;
  @ApiProperty({ type: DiffStatsDto }) stats!: DiffStatsDto;
}

// ── ratings, views, feedback ──

export class RatingResultDto {
  @ApiProperty({ type: Boolean, nullable: true, description: "The caller's answer" }) helpful!: boolean | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, nullable: true, description: "The caller's score" })
  score!: number | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) helpfulCount!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) notHelpfulCount!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ratings with a score' }) ratingCount!: number;
  @ApiProperty({ type: 'number', nullable: true, description: 'Mean score; null without scores' })
  averageScore!: number | null;
}

export class ViewResultDto {
  @ApiProperty({ description: 'false: this reader was already counted today' }) counted!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0 }) viewCount!: number;
}

export class ArticleFeedbackDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null once the user is deleted' })
  userId!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: FEEDBACK_STATUSES, enumName: 'KbFeedbackStatus' }) status!: string;
  @ApiProperty({ type: Date, nullable: true, description: 'Set when RESOLVED or DISMISSED' }) resolvedAt!: Date | null;
  @ApiProperty({ type: Date }) createdAt!: Date;
  @ApiProperty({ type: Date }) updatedAt!: Date;
}

export class ArticleRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() slug!: string;
}

export class ArticleFeedbackListItemDto extends ArticleFeedbackDto {
  @ApiProperty({ type: ArticleRefDto }) article!: ArticleRefDto;
  @ApiProperty({ type: KbPersonDto, nullable: true }) user!: KbPersonDto | null;
}

// ── attachments ──

export class KbAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) articleId!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) sizeBytes!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Hex SHA-256 of the content' }) sha256!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) uploadedById!: string | null;
  @ApiProperty({ type: Date }) createdAt!: Date;
}

// ── search ──

/** The fields a search result has besides its page (see ApiPageResponse). */
export class SearchInfoDto {
  @ApiProperty({ format: 'uuid', description: 'Report a click with POST /api/kb/search/{searchId}/click' })
  searchId!: string;
  @ApiProperty() query!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Set when the results are for a corrected spelling of the query ("showing results for …")',
  })
  correctedQuery!: string | null;
  @ApiProperty({ enum: ['fulltext', 'fuzzy'], description: 'fuzzy: typo-corrected query or similar titles' })
  mode!: 'fulltext' | 'fuzzy';
  @ApiProperty({ description: 'false: there are more than `total` matches ("1000+"); total is counted up to 1000' })
  totalExact!: boolean;
}

export class SuggestedArticleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ type: String, nullable: true }) excerpt!: string | null;
  @ApiProperty({ type: 'number', description: 'Relevance (higher first)' }) rank!: number;
  @ApiProperty({ description: 'Escaped text of the body around the matches, with <mark> around them' })
  snippet!: string;
}

export class TopQueryDto {
  @ApiProperty({ description: 'Normalised (trimmed, lower case)' }) query!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) searches!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) clicks!: number;
  @ApiProperty({ type: 'number', minimum: 0 }) avgResults!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) clickThroughRate!: number;
}

export class ZeroResultQueryDto {
  @ApiProperty({ description: 'Normalised (trimmed, lower case)' }) query!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) searches!: number;
  @ApiProperty({ type: Date }) lastSearchedAt!: Date;
}

export class SearchAnalyticsDto {
  @ApiProperty({ type: Date }) from!: Date;
  @ApiProperty({ type: Date }) to!: Date;
  @ApiProperty({ type: 'integer', minimum: 0 }) totalSearches!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Searches followed by a click' })
  totalClicks!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) zeroResultSearches!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1 }) clickThroughRate!: number;
  @ApiProperty({ type: [TopQueryDto] }) topQueries!: TopQueryDto[];
  @ApiProperty({ type: [ZeroResultQueryDto] }) zeroResultQueries!: ZeroResultQueryDto[];
}
