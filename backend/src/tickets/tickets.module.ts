import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module.js';
import { CommentsService } from './comments.service.js';
import { TicketAccessModule } from './ticket-access.module.js';
import { TicketNotifierService } from './ticket-notifier.service.js';
import { TicketsService } from './tickets.service.js';

@Module({
  imports: [SlaModule, TicketAccessModule],
  controllers: [],
  providers: [TicketsService, CommentsService, TicketNotifierService],
  exports: [TicketsService, CommentsService],
})
export class TicketsModule {}
