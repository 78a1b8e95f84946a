import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { AddWatcherDto, WatcherDto } from './dto/watchers.dto.js';
import { WatchersService, type WatcherView } from '@nixflow/domain';

const UUID = new ParseUUIDPipe();

@ApiTags('watchers')
@ApiBearerAuth()
@Controller('tickets/:id/watchers')
export class WatchersController {
  constructor(private readonly watchers: WatchersService) {}

  @Get()
  @ApiOperation({ summary: 'Watchers (customers: only their own entry)' })
  @ApiOkResponse({ type: [WatcherDto] })
  list(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string): Promise<WatcherView[]> {
    return this.watchers.list(user, id);
  }

  @Post()
  @ApiOperation({ summary: 'Watch (staff: any staff user or the requester; customers: themselves). Idempotent.' })
  @ApiCreatedResponse({ type: WatcherDto })
  add(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string, @Body() dto: AddWatcherDto): Promise<WatcherView> {
    return this.watchers.add(user, id, dto.userId);
  }

  @Delete(':userId')
  @ApiOperation({ summary: 'Stop watching a ticket (or remove a watcher)' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Param('userId', UUID) userId: string,
  ): Promise<void> {
    return this.watchers.remove(user, id, userId);
  }
}
