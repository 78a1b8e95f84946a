import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { EMAIL_OUTBOUND_QUEUE } from '@nixflow/core';
import { SLA_MONITOR_QUEUE } from './sla.constants.js';
import { SlaEventConsumerService } from './sla-event-consumer.service.js';
import { SlaMonitorProcessor } from './sla-monitor.processor.js';
import { SlaMonitorScheduler } from './sla-monitor.scheduler.js';
import { SlaSweepService } from './sla-sweep.service.js';

@Module({
  // email-outbound is only produced here (send-notification); the email worker consumes it.
  imports: [BullModule.registerQueue({ name: SLA_MONITOR_QUEUE }, { name: EMAIL_OUTBOUND_QUEUE })],
  providers: [SlaSweepService, SlaMonitorProcessor, SlaMonitorScheduler, SlaEventConsumerService],
  exports: [SlaSweepService, SlaEventConsumerService],
})
export class SlaModule {}
