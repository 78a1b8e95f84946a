// TEMPORARY stand-in written by helper `forms` against CONTRACTS.md; replaced by the `tickets` helper's file at merge.
import { Global, Module } from '@nestjs/common';
import { EventsService } from './events.service.js';

@Global()
@Module({ providers: [EventsService], exports: [EventsService] })
export class EventsModule {}
