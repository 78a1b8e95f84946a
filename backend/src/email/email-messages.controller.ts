import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { Roles } from '../auth/decorators.js';
import { EmailMessageDto, EmailMessagePageDto, ListEmailMessagesQueryDto } from './dto/email-message.dto.js';
import { EmailMessagesService } from './email-messages.service.js';

@ApiTags('email')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT)
@Controller('email/messages')
export class EmailMessagesController {
  constructor(private readonly messages: EmailMessagesService) {}

  @Get()
  @ApiOperation({ summary: "A ticket's email messages (status, attempts, last error)" })
  @ApiOkResponse({ type: EmailMessagePageDto })
  list(@Query() q: ListEmailMessagesQueryDto): Promise<EmailMessagePageDto> {
    return this.messages.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One email message with its attachments' })
  @ApiOkResponse({ type: EmailMessageDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<EmailMessageDto> {
    return this.messages.get(id);
  }
}
