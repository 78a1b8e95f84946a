import { BadRequestException, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { CurrentUser, Roles } from '../auth/decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { EmailMessageDto, InboundResultDto, ListEmailMessagesQueryDto } from './dto/email-message.dto.js';
import { EmailInboundService } from '@nixflow/domain';
import { EmailMessagesService } from './email-messages.service.js';
import { ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';

@ApiTags('email')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT)
@Controller('email/messages')
export class EmailMessagesController {
  constructor(
    private readonly messages: EmailMessagesService,
    private readonly inbound: EmailInboundService,
  ) {}

  @Get()
  @ApiOperation({ summary: "A ticket's messages, or (admins, without ticketId) the intake queue by status and type" })
  @ApiPageResponse(EmailMessageDto)
  @ApiBadRequestResponse({ description: 'ticketId missing (agents), or an invalid filter' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListEmailMessagesQueryDto): Promise<Paginated<EmailMessageDto>> {
    if (!q.ticketId && user.role !== UserRole.ADMIN)
      throw new BadRequestException('ticketId is required (listing all messages is for admins)');
    return this.messages.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One email message with its attachments' })
  @ApiOkResponse({ type: EmailMessageDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<EmailMessageDto> {
    return this.messages.get(id);
  }

  @Post(':id/release')
  @Roles(UserRole.ADMIN)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Turn a wrongly FLAGGED inbound message into a ticket or comment through the normal pipeline',
  })
  @ApiOkResponse({ type: InboundResultDto })
  @ApiConflictResponse({ description: 'Not a FLAGGED inbound message, no sender, or already released' })
  release(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<InboundResultDto> {
    return this.inbound.release(id, user.id);
  }
}
