import { Module } from '@nestjs/common';

// Placeholder until the events feature module lands.
@Module({})
export class EventsModule {}
