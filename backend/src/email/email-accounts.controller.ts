import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { Roles } from '../auth/decorators.js';
import {
  ConnectionTestDto,
  CreateEmailAccountDto,
  EmailAccountDto,
  InboundTokenDto,
  UpdateEmailAccountDto,
} from './dto/email-account.dto.js';
import { EmailAccountsService } from './email-accounts.service.js';

@ApiTags('email')
@ApiBearerAuth()
@Roles(UserRole.ADMIN)
@Controller('email/accounts')
export class EmailAccountsController {
  constructor(private readonly accounts: EmailAccountsService) {}

  @Get()
  @ApiOperation({ summary: 'List email accounts' })
  @ApiOkResponse({ type: [EmailAccountDto] })
  list(): Promise<EmailAccountDto[]> {
    return this.accounts.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create an email account (IMAP in, SMTP out)' })
  @ApiCreatedResponse({ type: EmailAccountDto })
  @ApiConflictResponse({ description: 'Address already configured' })
  create(@Body() dto: CreateEmailAccountDto): Promise<EmailAccountDto> {
    return this.accounts.create(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One email account (passwords are never returned)' })
  @ApiOkResponse({ type: EmailAccountDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<EmailAccountDto> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an email account (null clears optional settings)' })
  @ApiOkResponse({ type: EmailAccountDto })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateEmailAccountDto): Promise<EmailAccountDto> {
    return this.accounts.update(id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete an email account' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The account has messages: deactivate it instead' })
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.accounts.remove(id);
  }

  @Post(':id/inbound-token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new token for POST /api/email/inbound (the previous one stops working)' })
  @ApiOkResponse({ type: InboundTokenDto })
  rotateInboundToken(@Param('id', new ParseUUIDPipe()) id: string): Promise<InboundTokenDto> {
    return this.accounts.rotateInboundToken(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the IMAP and SMTP settings; says which failed and why' })
  @ApiOkResponse({ type: ConnectionTestDto })
  test(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionTestDto> {
    return this.accounts.test(id);
  }
}
