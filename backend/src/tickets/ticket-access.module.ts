import { Global, Module } from '@nestjs/common';
import { TicketAccessService } from './ticket-access.service.js';

/** Global so that the SLA and knowledge-base routes under /tickets/:id share the visibility rule. */
@Global()
@Module({ providers: [TicketAccessService], exports: [TicketAccessService] })
export class TicketAccessModule {}
