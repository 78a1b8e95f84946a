import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Notification } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import {
  ListNotificationsQueryDto,
  NotificationDto,
  NotificationPageDto,
  ReadAllResultDto,
  SnoozeNotificationDto,
} from './dto/notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

const UUID = new ParseUUIDPipe();

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'My notifications, newest first (snoozed ones hidden until snoozedUntil)' })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListNotificationsQueryDto) {
    return this.notifications.list(user, query);
  }

  @Post('read-all')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ReadAllResultDto })
  readAll(@CurrentUser() user: AuthUser): Promise<{ updated: number }> {
    return this.notifications.markAllRead(user);
  }

  @Post(':id/read')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: NotificationDto })
  read(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string): Promise<Notification> {
    return this.notifications.markRead(user, id);
  }

  @Post(':id/snooze')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: NotificationDto })
  snooze(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Body() dto: SnoozeNotificationDto,
  ): Promise<Notification> {
    return this.notifications.snooze(user, id, dto.until);
  }
}
