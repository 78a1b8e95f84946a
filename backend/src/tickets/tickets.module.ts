// TEMPORARY (email branch): contract stub until the tickets helper's TicketsModule lands on main.
import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module.js';
import { CommentsService } from './comments.service.js';
import { TicketsService } from './tickets.service.js';

@Module({
  imports: [SlaModule],
  providers: [TicketsService, CommentsService],
  exports: [TicketsService, CommentsService],
})
export class TicketsModule {}
