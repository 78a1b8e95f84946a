import type { PrismaClient } from '@nixflow/db/client';
import { AssignmentService, RoutingRulesService, systemClock, TicketPlacementService } from '@nixflow/domain';
import { EventsService } from '../events/events.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';
import { CommentsService } from './comments.service.js';
import { TicketAccessService } from './ticket-access.service.js';
import { TicketNotifierService } from './ticket-notifier.service.js';
import { TicketsService } from './tickets.service.js';

/**
 * The ticket write services wired by hand, for scripts that run without the Nest container (the seed).
 * Inside Nest, inject TicketsService / CommentsService from TicketsModule instead.
 */
export function createTicketServices(prisma: PrismaClient): { tickets: TicketsService; comments: CommentsService } {
  const sla = new SlaLifecycleService();
  const events = new EventsService();
  const notifier = new TicketNotifierService();
  const access = new TicketAccessService(prisma);
  // teams (#23): routing and auto-assignment on creation.
  const placement = new TicketPlacementService(new RoutingRulesService(prisma), new AssignmentService(), systemClock);
  const tickets = new TicketsService(prisma, sla, events, notifier, access, placement);
  const comments = new CommentsService(prisma, sla, events, notifier, tickets, access);
  return { tickets, comments };
}
