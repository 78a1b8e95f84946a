import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { SLA_MONITOR_QUEUE } from './sla.constants.js';
import { SlaMonitorProcessor } from './sla-monitor.processor.js';
import { SlaMonitorScheduler } from './sla-monitor.scheduler.js';
import { SlaSweepService } from './sla-sweep.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: SLA_MONITOR_QUEUE })],
  providers: [SlaSweepService, SlaMonitorProcessor, SlaMonitorScheduler],
  exports: [SlaSweepService],
})
export class SlaModule {}
