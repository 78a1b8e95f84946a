import { Global, Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { EventFeedService } from './event-feed.service.js';
import { EventsService } from './events.service.js';

/** Global: every feature appends its domain events through EventsService in its own transaction. */
@Global()
@Module({ controllers: [EventsController], providers: [EventsService, EventFeedService], exports: [EventsService] })
export class EventsModule {}
