import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EVENT_CONSUMER_QUEUE } from '@nixflow/core';
import { runJob } from '../queues/job-failure.js';
import { SlaEventConsumerService, type ConsumerRunResult } from '../sla/sla-event-consumer.service.js';

/** One job = one consumer run (several batches, bounded in time). Concurrency 1: runs never overlap here. */
@Processor(EVENT_CONSUMER_QUEUE, { concurrency: 1 })
export class EventConsumerProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumerProcessor.name);

  constructor(private readonly consumer: SlaEventConsumerService) {
    super();
  }

  async process(job: Job): Promise<ConsumerRunResult> {
    return runJob(job, this.logger, () => this.consumer.run());
  }

  /** Stop after the batch in flight, then wait for the job, before Prisma disconnects. */
  async beforeApplicationShutdown(): Promise<void> {
    this.consumer.stop();
    await this.worker.close();
  }
}
