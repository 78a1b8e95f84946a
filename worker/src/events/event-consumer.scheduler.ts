import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { EVENT_CONSUMER_QUEUE } from '@nixflow/core';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { keepScheduled } from '../queues/keep-scheduled.js';

export const EVENT_CONSUMER_SCHEDULER_ID = 'event-consumer-run';
export const EVENT_CONSUMER_JOB = 'consume';

/** Registers the repeating consumer run; upsert is idempotent, so every replica may call it. */
@Injectable()
export class EventConsumerScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventConsumerScheduler.name);

  constructor(
    @InjectQueue(EVENT_CONSUMER_QUEUE) private readonly queue: Queue,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.eventConsumerIntervalMs;
    const register = () =>
      this.queue.upsertJobScheduler(
        EVENT_CONSUMER_SCHEDULER_ID,
        { every },
        { name: EVENT_CONSUMER_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    await keepScheduled(this.queue, register, this.logger, 'the event consumer');
    this.logger.log(`event consumer scheduled every ${every} ms`);
  }
}
