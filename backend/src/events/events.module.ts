import { Global, Module } from '@nestjs/common';
import { EventStreamController } from './event-stream.controller.js';
import { EVENT_STREAM_CONFIG, loadEventStreamConfig } from './event-stream.config.js';
import { EventStreamHub } from './event-stream.hub.js';
import { EventsController } from './events.controller.js';
import { EventFeedService } from './event-feed.service.js';
import { EventsService } from './events.service.js';

/** Global: every feature appends its domain events through EventsService in its own transaction. */
@Global()
@Module({
  controllers: [EventsController, EventStreamController],
  providers: [
    EventsService,
    EventFeedService,
    EventStreamHub,
    { provide: EVENT_STREAM_CONFIG, useFactory: () => loadEventStreamConfig() },
  ],
  exports: [EventsService],
})
export class EventsModule {}
