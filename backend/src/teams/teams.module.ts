import { Module } from '@nestjs/common';
import { TeamsDomainModule } from '@nixflow/domain';
import { TicketAccessModule } from '../tickets/ticket-access.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { MacroApplicationService } from './macro-application.service.js';
import { MacrosController } from './macros.controller.js';
import { RoutingRulesController } from './routing-rules.controller.js';
import { TeamsController } from './teams.controller.js';

/** Teams, routing rules and macros over HTTP (#23); the logic is in @nixflow/domain. */
@Module({
  imports: [TeamsDomainModule, TicketsModule, TicketAccessModule],
  controllers: [TeamsController, RoutingRulesController, MacrosController],
  providers: [MacroApplicationService],
})
export class TeamsModule {}
