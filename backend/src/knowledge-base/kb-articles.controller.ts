import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { KnowledgeArticleStatus, UserRole } from '@nixflow/db/client';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public, Roles } from '../auth/decorators.js';
import {
  CreateArticleDto,
  DiffQueryDto,
  FeedbackDto,
  ListArticlesQueryDto,
  RatingDto,
  RestoreVersionDto,
  UpdateArticleDto,
} from './dto/kb.dto.js';
import { ApiErrors, ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';
import {
  ArticleDiffDto,
  ArticleDto,
  ArticleFeedbackDto,
  ArticleSummaryDto,
  ArticleVersionDto,
  ArticleVersionSummaryDto,
  KbAttachmentDto,
  RatingResultDto,
  ViewResultDto,
} from './dto/kb-responses.dto.js';
import { DOWNLOAD_REDIRECT_DOC, StoredFileDownloads } from '../common/stored-file-downloads.js';
import { KbAttachmentsService, type UploadedFileLike } from './kb-attachments.service.js';
import { KbArticlesService } from './kb-articles.service.js';
import { viewerKey } from './kb-common.js';
import { KbUploadInterceptor } from './kb-upload.interceptor.js';
import { OptionalAuthGuard } from './optional-auth.guard.js';

const STAFF = [UserRole.ADMIN, UserRole.AGENT];

@ApiTags('knowledge-base')
@ApiBearerAuth()
@Controller('kb/articles')
export class KbArticlesController {
  constructor(
    private readonly articles: KbArticlesService,
    private readonly attachments: KbAttachmentsService,
    private readonly downloads: StoredFileDownloads,
  ) {}

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Get()
  @ApiOperation({ summary: 'List knowledge base articles (published ones for customers and visitors)' })
  @ApiPageResponse(ArticleSummaryDto, { description: 'A page of articles, without their bodies' })
  @ApiErrors(404) // an unknown `category` (id or slug)
  list(
    @CurrentUser() user: AuthUser | undefined,
    @Query() query: ListArticlesQueryDto,
  ): Promise<Paginated<ArticleSummaryDto>> {
    return this.articles.list(user, query);
  }

  @Roles(...STAFF)
  @Post()
  @ApiOperation({ summary: 'Create an article' })
  @ApiCreatedResponse({ type: ArticleDto, description: 'The article (version 1)' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateArticleDto): Promise<ArticleDto> {
    return this.articles.create(user, dto);
  }

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Get(':idOrSlug')
  @ApiOperation({ summary: 'One article by id or slug (counts a view when published)' })
  @ApiOkResponse({ type: ArticleDto, description: 'The article (counts a view when published)' })
  @ApiNotFoundResponse({ description: 'Unknown, deleted, or not visible to the caller' })
  async get(
    @CurrentUser() user: AuthUser | undefined,
    @Param('idOrSlug') idOrSlug: string,
    @Req() req: Request,
  ): Promise<ArticleDto> {
    const article = await this.articles.get(user, idOrSlug);
    if (article.status === KnowledgeArticleStatus.PUBLISHED) {
      const view = await this.articles.recordView(article.id, viewerKey(user, req.ip));
      article.viewCount = view.viewCount;
    }
    return article;
  }

  @Roles(...STAFF)
  @Patch(':id')
  @ApiOperation({ summary: 'Change an article (a new version; expectedVersion guards against lost updates)' })
  @ApiOkResponse({ type: ArticleDto, description: 'The updated article' })
  @ApiConflictResponse({ description: 'expectedVersion is stale' })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateArticleDto,
  ): Promise<ArticleDto> {
    return this.articles.update(user, id, dto);
  }

  @Roles(...STAFF)
  @Delete(':id')
  @ApiOperation({ summary: 'Delete an article (soft)' })
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.articles.softDelete(id);
  }

  // ── versions (declared before :n so that "diff" is not taken for a number) ──
  // Staff only: the history holds drafts that were never published and the editors' change notes.

  @Roles(...STAFF)
  @Get(':id/versions')
  @ApiOperation({ summary: "List an article's versions (staff)" })
  @ApiOkResponse({ type: [ArticleVersionSummaryDto], description: 'Newest first, without bodies' })
  versions(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ArticleVersionSummaryDto[]> {
    return this.articles.versions(user, id);
  }

  @Roles(...STAFF)
  @Get(':id/versions/diff')
  @ApiOperation({ summary: 'Diff two versions of an article (staff)' })
  @ApiOkResponse({ type: ArticleDiffDto })
  diff(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: DiffQueryDto,
  ): Promise<ArticleDiffDto> {
    return this.articles.diff(user, id, q.from, q.to);
  }

  @Roles(...STAFF)
  @Get(':id/versions/:n')
  @ApiOperation({ summary: 'One version of an article (staff)' })
  @ApiOkResponse({ type: ArticleVersionDto })
  version(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('n', ParseIntPipe) n: number,
  ): Promise<ArticleVersionDto> {
    return this.articles.version(user, id, n);
  }

  @Roles(...STAFF)
  @Post(':id/versions/:n/restore')
  @ApiOperation({ summary: 'Restore an earlier version as a new version (staff)' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ArticleDto, description: 'The article at its new version' })
  restore(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('n', ParseIntPipe) n: number,
    @Body() dto: RestoreVersionDto,
  ): Promise<ArticleDto> {
    return this.articles.restore(user, id, n, dto.expectedVersion, dto.changeNote);
  }

  // ── ratings, views, feedback ──

  @Post(':id/rating')
  @ApiOperation({ summary: 'Rate an article as helpful or not' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RatingResultDto, description: "The caller's rating and the article's new counts" })
  rate(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RatingDto,
  ): Promise<RatingResultDto> {
    return this.articles.rate(user, id, dto);
  }

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Post(':id/view')
  @ApiOperation({ summary: 'Record a view of an article' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ViewResultDto })
  async view(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() req: Request,
  ): Promise<ViewResultDto> {
    const article = await this.articles.findVisible(user, id);
    return this.articles.recordView(article.id, viewerKey(user, req.ip));
  }

  @Post(':id/feedback')
  @ApiOperation({ summary: 'Leave feedback on an article' })
  @ApiCreatedResponse({ type: ArticleFeedbackDto })
  feedback(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: FeedbackDto,
  ): Promise<ArticleFeedbackDto> {
    return this.articles.addFeedback(user, id, dto);
  }

  // ── attachments ──

  @Roles(...STAFF)
  @Post(':id/attachments')
  @ApiOperation({ summary: 'Upload an attachment to an article (multipart, field `file`)' })
  @UseInterceptors(KbUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
  })
  @ApiCreatedResponse({ type: KbAttachmentDto, description: 'The stored attachment' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than KB_MAX_ATTACHMENT_BYTES' })
  @ApiErrors(415)
  upload(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @UploadedFile() file: UploadedFileLike | undefined,
  ): Promise<KbAttachmentDto> {
    return this.attachments.upload(user, id, file);
  }

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Get(':id/attachments')
  @ApiOperation({ summary: "List an article's attachments" })
  @ApiOkResponse({ type: [KbAttachmentDto], description: 'Oldest first' })
  listAttachments(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<KbAttachmentDto[]> {
    return this.attachments.list(user, id);
  }

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Get(':id/attachments/:attachmentId')
  @ApiOkResponse({
    description: 'The file, with its stored content type',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiFoundResponse(DOWNLOAD_REDIRECT_DOC)
  @ApiOperation({ summary: 'Download an attachment (images and PDFs inline)' })
  async download(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('attachmentId', new ParseUUIDPipe()) attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    const { attachment } = await this.attachments.open(user, id, attachmentId);
    const inline = /^image\/|^application\/pdf$/.test(attachment.contentType);
    await this.downloads.send(res, attachment, inline ? 'inline' : 'attachment');
  }

  @Roles(...STAFF)
  @Delete(':id/attachments/:attachmentId')
  @ApiOperation({ summary: 'Delete an attachment' })
  @HttpCode(HttpStatus.NO_CONTENT)
  removeAttachment(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('attachmentId', new ParseUUIDPipe()) attachmentId: string,
  ): Promise<void> {
    return this.attachments.remove(id, attachmentId);
  }
}
