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
import { UserRole, type KnowledgeArticleFeedback } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public, Roles } from '../auth/decorators.js';
import {
  AnalyticsQueryDto,
  ListFeedbackQueryDto,
  SearchClickDto,
  SearchQueryDto,
  SearchResultDto,
  UpdateFeedbackDto,
} from './dto/kb.dto.js';
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
  @ApiOkResponse({ type: SearchResultDto })
  find(@CurrentUser() user: AuthUser | undefined, @Query() q: SearchQueryDto): Promise<SearchResultDto> {
    return this.search.search(user, q);
  }

  @Roles(...STAFF)
  @Get('kb/search/analytics')
  @ApiOperation({ summary: 'Search analytics over a period (staff)' })
  analytics(@Query() q: AnalyticsQueryDto) {
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
  feedback(@Query() q: ListFeedbackQueryDto) {
    return this.articles.listFeedback(q);
  }

  @Roles(...STAFF)
  @Patch('kb/feedback/:id')
  @ApiOperation({ summary: 'Set the status of article feedback (staff)' })
  updateFeedback(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateFeedbackDto,
  ): Promise<KnowledgeArticleFeedback> {
    return this.articles.updateFeedback(id, dto.status);
  }

  /** Staff, or the ticket's requester (others get 404). */
  @Get('tickets/:id/suggested-articles')
  @ApiOperation({ summary: 'Articles suggested for a ticket' })
  suggested(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.search.suggestedForTicket(user, id);
  }
}
