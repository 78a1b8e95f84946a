import { Module } from '@nestjs/common';
import { MacrosService } from '../macros/macros.service.js';
import { AssignmentService } from '../routing/assignment.service.js';
import { RoutingRulesService } from '../routing/routing-rules.service.js';
import { TicketPlacementService } from '../routing/ticket-placement.service.js';
import { TeamsService } from './teams.service.js';

/** Teams, routing, auto-assignment and macros (#23). Needs DomainModule.forRoot (PRISMA, CLOCK) in the app. */
@Module({
  providers: [TeamsService, RoutingRulesService, AssignmentService, TicketPlacementService, MacrosService],
  exports: [TeamsService, RoutingRulesService, AssignmentService, TicketPlacementService, MacrosService],
})
export class TeamsDomainModule {}
