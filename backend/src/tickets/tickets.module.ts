import { Module } from '@nestjs/common';
import { TeamsDomainModule } from '@nixflow/domain';
import { EmailOutboundModule } from '../email/email-outbound.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { CommentsController } from './comments.controller.js';
import { CommentsService } from './comments.service.js';
import { TicketAccessModule } from './ticket-access.module.js';
import { TicketAccessRevocationService } from './ticket-access-revocation.js';
import { TicketDeletionService } from './ticket-deletion.service.js';
import { TicketNotifierService } from './ticket-notifier.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';
import { WatchersController } from './watchers.controller.js';
import { WatchersService } from './watchers.service.js';

@Module({
  imports: [SlaModule, TicketAccessModule, EmailOutboundModule, TeamsDomainModule],
  controllers: [TicketsController, CommentsController, WatchersController],
  providers: [
    TicketsService,
    CommentsService,
    TicketQueriesService,
    TicketDeletionService,
    WatchersService,
    TicketNotifierService,
    TicketAccessRevocationService,
  ],
  exports: [TicketsService, CommentsService, TicketAccessRevocationService, TicketQueriesService],
})
export class TicketsModule {}
