import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ListNotificationsQueryDto, NotificationDto, SnoozeNotificationDto } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';
import { ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';

/** Every authenticated role; each user only ever reaches their own notifications. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "The signed-in user's notifications" })
  @ApiPageResponse(NotificationDto)
  list(@CurrentUser() user: AuthUser, @Query() q: ListNotificationsQueryDto): Promise<Paginated<NotificationDto>> {
    return this.notifications.list(user.id, q);
  }

  @Post('read-all')
  @ApiOperation({ summary: 'Mark all notifications read' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ schema: { type: 'object', properties: { updated: { type: 'integer' } } } })
  readAll(@CurrentUser() user: AuthUser): Promise<{ updated: number }> {
    return this.notifications.markAllRead(user.id);
  }

  @Post(':id/read')
  @ApiOperation({ summary: 'Mark one notification read' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: NotificationDto })
  read(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<NotificationDto> {
    return this.notifications.markRead(user.id, id);
  }

  @Post(':id/snooze')
  @ApiOperation({ summary: 'Snooze a notification until a time' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: NotificationDto })
  snooze(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SnoozeNotificationDto,
  ): Promise<NotificationDto> {
    return this.notifications.snooze(user.id, id, dto.until);
  }
}
