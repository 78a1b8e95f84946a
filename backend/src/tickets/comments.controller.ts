import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { CommentsService, type CommentWithAuthor } from '@nixflow/domain';
import { CommentDto, CreateCommentDto, ListCommentsQueryDto, UpdateCommentDto } from './dto/comments.dto.js';
import { ApiPageResponse } from '../common/api-docs.js';

const UUID = new ParseUUIDPipe();

@ApiTags('comments')
@ApiBearerAuth()
@Controller('tickets/:id/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Post()
  @ApiOperation({ summary: 'Public reply, or internal note (`internal: true`, staff only)' })
  @ApiCreatedResponse({ type: CommentDto })
  @ApiForbiddenResponse({ description: 'Customers cannot post internal notes' })
  add(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Body() dto: CreateCommentDto,
  ): Promise<CommentWithAuthor> {
    return this.comments.add(user, id, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Comments, oldest first (customers: public replies only)' })
  @ApiPageResponse(CommentDto)
  list(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string, @Query() query: ListCommentsQueryDto) {
    return this.comments.list(user, id, query);
  }

  @Patch(':commentId')
  @ApiOperation({ summary: 'Edit the body (author or admin)' })
  @ApiOkResponse({ type: CommentDto })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Param('commentId', UUID) commentId: string,
    @Body() dto: UpdateCommentDto,
  ): Promise<CommentWithAuthor> {
    return this.comments.update(user, id, commentId, dto);
  }

  @Delete(':commentId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Soft delete (author or admin)' })
  @ApiNoContentResponse()
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Param('commentId', UUID) commentId: string,
  ): Promise<void> {
    return this.comments.remove(user, id, commentId);
  }
}
