import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { EVENT_CONSUMER_QUEUE } from '@nixflow/core';
import { SlaModule } from '../sla/sla.module.js';
import { EventConsumerProcessor } from './event-consumer.processor.js';
import { EventConsumerScheduler } from './event-consumer.scheduler.js';

/** The event-log consumer queue: its processor runs the consumers (ticket and SLA notifications, SLA recomputes). */
@Module({
  imports: [BullModule.registerQueue({ name: EVENT_CONSUMER_QUEUE }), SlaModule],
  providers: [EventConsumerProcessor, EventConsumerScheduler],
})
export class EventsModule {}
