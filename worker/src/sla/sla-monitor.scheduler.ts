import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { keepScheduled } from '../queues/keep-scheduled.js';
import { SLA_MONITOR_QUEUE, SLA_SWEEP_JOB, SLA_SWEEP_SCHEDULER_ID } from './sla.constants.js';

/** Registers the repeating sweep. Upsert is idempotent, so every worker replica may call it. */
@Injectable()
export class SlaMonitorScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SlaMonitorScheduler.name);

  constructor(
    @InjectQueue(SLA_MONITOR_QUEUE) private readonly queue: Queue,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await keepScheduled(this.queue, () => this.register(), this.logger, 'the SLA sweep');
    this.logger.log(`SLA sweep scheduled every ${this.config.slaMonitorIntervalMs} ms`);
  }

  private async register(): Promise<void> {
    const every = this.config.slaMonitorIntervalMs;
    await this.queue.upsertJobScheduler(
      SLA_SWEEP_SCHEDULER_ID,
      { every },
      // Keep Redis small: sweeps are frequent and their results are also in the log.
      { name: SLA_SWEEP_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
