import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { Roles } from '../auth/decorators.js';
import { EventPageDto, ListEventsQueryDto } from './dto/events.dto.js';
import { EventFeedService } from './event-feed.service.js';

@ApiTags('events')
@ApiBearerAuth()
@Roles(UserRole.ADMIN)
@Controller('events')
export class EventsController {
  constructor(private readonly feed: EventFeedService) {}

  @Get()
  @ApiOperation({ summary: 'Domain event log in id order (integrations, audit); payloads never hold note text' })
  @ApiOkResponse({ type: EventPageDto })
  list(@Query() query: ListEventsQueryDto): Promise<EventPageDto> {
    return this.feed.list(query);
  }
}
