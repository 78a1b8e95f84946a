import { Module } from '@nestjs/common';
import { EventStreamController } from './event-stream.controller.js';
import { EVENT_STREAM_CONFIG, loadEventStreamConfig } from './event-stream.config.js';
import { EventStreamHub } from './event-stream.hub.js';
import { EventsController } from './events.controller.js';
import { EventFeedService } from './event-feed.service.js';

/** The event feed and live stream; events are written by @nixflow/domain's EventsService (global). */
@Module({
  controllers: [EventsController, EventStreamController],
  providers: [
    EventFeedService,
    EventStreamHub,
    { provide: EVENT_STREAM_CONFIG, useFactory: () => loadEventStreamConfig() },
  ],
})
export class EventsModule {}
