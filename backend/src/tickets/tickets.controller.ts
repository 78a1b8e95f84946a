import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
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
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PaginationQueryDto } from '../common/pagination.js';
import { HistoryEntryDto } from './dto/history.dto.js';
import {
  CreateTicketDto,
  DeleteTicketQueryDto,
  ListTicketsQueryDto,
  TicketCountInfoDto,
  TicketDto,
  UpdateTicketDto,
} from './dto/tickets.dto.js';
import { TicketDeletionService, TicketQueriesService, TicketsService, type TicketView } from '@nixflow/domain';
import { ApiPageResponse } from '../common/api-docs.js';

const UUID = new ParseUUIDPipe();

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queries: TicketQueriesService,
    private readonly deletion: TicketDeletionService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a ticket (customers: for themselves, without staff-only fields)' })
  @ApiCreatedResponse({ type: TicketDto })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateTicketDto): Promise<TicketView> {
    return this.tickets.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List visible tickets (customers: their own), filtered, sorted and paged' })
  @ApiPageResponse(TicketDto, { with: TicketCountInfoDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListTicketsQueryDto) {
    return this.queries.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ticket' })
  @ApiOkResponse({ type: TicketDto })
  @ApiNotFoundResponse({ description: 'Missing, deleted (non-admins) or not yours (customers)' })
  get(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string): Promise<TicketView> {
    return this.queries.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a ticket; send `version` for optimistic concurrency' })
  @ApiOkResponse({ type: TicketDto })
  @ApiConflictResponse({ description: 'Stale version, forbidden stage transition or deleted ticket' })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Body() dto: UpdateTicketDto,
  ): Promise<TicketView> {
    await this.tickets.update(user, id, dto);
    return this.queries.view(id);
  }

  @Delete(':id')
  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Soft delete (staff); `?hard=true` deletes for good (admins, 409 while rows depend on it)' })
  @ApiNoContentResponse()
  @ApiConflictResponse({
    description: 'Hard delete refused: comments, SLA breaches, submissions or e-mail depend on it',
  })
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Query() query: DeleteTicketQueryDto,
  ): Promise<void> {
    if (query.hard === 'true') {
      if (user.role !== UserRole.ADMIN) throw new ForbiddenException('Only admins can delete tickets permanently');
      return this.deletion.hardDelete(user, id);
    }
    return this.deletion.softDelete(user, id);
  }

  @Post(':id/restore')
  @ApiOperation({ summary: 'Restore a soft-deleted ticket (admins)' })
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TicketDto })
  @ApiConflictResponse({ description: 'The ticket is not deleted' })
  async restore(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string): Promise<TicketView> {
    await this.deletion.restore(user, id);
    return this.queries.view(id);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Change history, oldest first (customers: without internal-note entries)' })
  @ApiPageResponse(HistoryEntryDto)
  history(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string, @Query() query: PaginationQueryDto) {
    return this.queries.history(user, id, query);
  }
}
