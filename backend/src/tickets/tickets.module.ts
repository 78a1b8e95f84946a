import { Module } from '@nestjs/common';

// Placeholder until the tickets feature module lands.
@Module({})
export class TicketsModule {}
