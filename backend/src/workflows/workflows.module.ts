import { Module } from '@nestjs/common';

// Placeholder until the workflows feature module lands.
@Module({})
export class WorkflowsModule {}
