import { Module } from '@nestjs/common';
import { CommentsController } from './comments.controller.js';
import { TicketsController } from './tickets.controller.js';
import { WatchersController } from './watchers.controller.js';

/** The ticket routes; the services (tickets, comments, watchers, queries, deletion) are @nixflow/domain's. */
@Module({
  controllers: [TicketsController, CommentsController, WatchersController],
})
export class TicketsModule {}
