import { Module } from '@nestjs/common';
import { MacroApplicationService } from './macro-application.service.js';
import { MacrosController } from './macros.controller.js';
import { RoutingRulesController } from './routing-rules.controller.js';
import { TeamsController } from './teams.controller.js';

/** Teams, routing rules and macros over HTTP (#23); the logic is in @nixflow/domain. */
@Module({
  controllers: [TeamsController, RoutingRulesController, MacrosController],
  providers: [MacroApplicationService],
})
export class TeamsModule {}
