// TEMPORARY stand-in written by helper `forms` against CONTRACTS.md; replaced by the `tickets` helper's file at merge.
import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module.js';
import { TicketsService } from './tickets.service.js';

@Module({ imports: [SlaModule], providers: [TicketsService], exports: [TicketsService] })
export class TicketsModule {}
