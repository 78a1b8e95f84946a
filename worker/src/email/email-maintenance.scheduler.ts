import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { EMAIL_INBOUND_QUEUE, EMAIL_MAINTENANCE_JOB } from '@nixflow/core';
import { keepScheduled } from '../queues/keep-scheduled.js';
import { EMAIL_WORKER_CONFIG, type EmailWorkerConfig } from './email-worker.config.js';

export const EMAIL_MAINTENANCE_SCHEDULER_ID = 'email-maintenance';

/** Registers the repeating maintenance job (idempotent upsert: every replica may call it). */
@Injectable()
export class EmailMaintenanceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(EmailMaintenanceScheduler.name);

  constructor(
    @InjectQueue(EMAIL_INBOUND_QUEUE) private readonly queue: Queue,
    @Inject(EMAIL_WORKER_CONFIG) private readonly config: EmailWorkerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.maintenanceIntervalMs;
    // An `every` scheduler runs its first job at once (BullMQ; `immediately` would only add a warning), so
    // poll schedulers exist right after start-up.
    // After a reconnect to an empty Redis this also brings back the per-account poll schedulers it manages.
    const register = () =>
      this.queue.upsertJobScheduler(
        EMAIL_MAINTENANCE_SCHEDULER_ID,
        { every },
        { name: EMAIL_MAINTENANCE_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    await keepScheduled(this.queue, register, this.logger, 'e-mail maintenance');
    this.logger.log(`email maintenance scheduled every ${every} ms`);
  }
}
