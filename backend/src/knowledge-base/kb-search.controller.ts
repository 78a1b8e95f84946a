import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public, Roles } from '../auth/decorators.js';
import {
  AnalyticsQueryDto,
  ListFeedbackQueryDto,
  SearchClickDto,
  SearchQueryDto,
  SearchHitDto,
  UpdateFeedbackDto,
} from './dto/kb.dto.js';
import { ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';
import {
  ArticleFeedbackDto,
  ArticleFeedbackListItemDto,
  SearchAnalyticsDto,
  SearchInfoDto,
  SuggestedArticleDto,
} from './dto/kb-responses.dto.js';
import { KbArticlesService } from './kb-articles.service.js';
import { KbSearchService } from './kb-search.service.js';
import { OptionalAuthGuard } from './optional-auth.guard.js';

const STAFF = [UserRole.ADMIN, UserRole.AGENT];

@ApiTags('knowledge-base')
@ApiBearerAuth()
@Controller()
export class KbSearchController {
  constructor(
    private readonly search: KbSearchService,
    private readonly articles: KbArticlesService,
  ) {}

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Get('kb/search')
  @ApiOperation({ summary: 'Search the knowledge base' })
  @ApiPageResponse(SearchHitDto, { with: SearchInfoDto, description: 'A page of matches, best first' })
  find(
    @CurrentUser() user: AuthUser | undefined,
    @Query() q: SearchQueryDto,
  ): Promise<Paginated<SearchHitDto> & SearchInfoDto> {
    return this.search.search(user, q);
  }

  @Roles(...STAFF)
  @Get('kb/search/analytics')
  @ApiOperation({ summary: 'Search analytics over a period (staff)' })
  @ApiOkResponse({ type: SearchAnalyticsDto })
  analytics(@Query() q: AnalyticsQueryDto): Promise<SearchAnalyticsDto> {
    return this.search.analytics(q);
  }

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Post('kb/search/:searchId/click')
  @ApiOperation({ summary: 'Record a click on a search result' })
  @HttpCode(HttpStatus.NO_CONTENT)
  click(
    @CurrentUser() user: AuthUser | undefined,
    @Param('searchId', new ParseUUIDPipe()) searchId: string,
    @Body() dto: SearchClickDto,
  ): Promise<void> {
    return this.search.recordClick(user, searchId, dto.articleId);
  }

  @Roles(...STAFF)
  @Get('kb/feedback')
  @ApiOperation({ summary: 'List article feedback (staff)' })
  @ApiPageResponse(ArticleFeedbackListItemDto, { description: 'A page of feedback, newest first' })
  feedback(@Query() q: ListFeedbackQueryDto): Promise<Paginated<ArticleFeedbackListItemDto>> {
    return this.articles.listFeedback(q);
  }

  @Roles(...STAFF)
  @Patch('kb/feedback/:id')
  @ApiOperation({ summary: 'Set the status of article feedback (staff)' })
  @ApiOkResponse({ type: ArticleFeedbackDto })
  updateFeedback(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateFeedbackDto,
  ): Promise<ArticleFeedbackDto> {
    return this.articles.updateFeedback(id, dto.status);
  }

  /** Staff, or the ticket's requester (others get 404). */
  @Get('tickets/:id/suggested-articles')
  @ApiOperation({ summary: 'Articles suggested for a ticket' })
  @ApiOkResponse({ type: [SuggestedArticleDto], description: 'At most 5 published articles, best first' })
  suggested(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<SuggestedArticleDto[]> {
    return this.search.suggestedForTicket(user, id);
  }
}
