import { Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { DatabaseHealthIndicator, RedisHealthIndicator, SchemaHealthIndicator } from './health.indicators.js';
import { HealthService } from './health.service.js';

@Module({
  // Failed checks are logged through the app's logger (pino), not terminus' own console logger.
  imports: [TerminusModule.forRoot({ logger: Logger, errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [HealthService, DatabaseHealthIndicator, RedisHealthIndicator, SchemaHealthIndicator],
  exports: [HealthService],
})
export class HealthModule {}
