import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { workerConcurrency } from '../config.js';
import { DB_MISMATCH_MESSAGE, isMissingSchemaError } from '../prisma/schema-errors.js';
import { SLA_MONITOR_QUEUE } from './sla.constants.js';
import { SlaSweepService, type SweepResult } from './sla-sweep.service.js';

// Decorator options are fixed at import time, so concurrency is read from the environment here.
@Processor(SLA_MONITOR_QUEUE, { concurrency: workerConcurrency() })
export class SlaMonitorProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SlaMonitorProcessor.name);

  constructor(private readonly sweeper: SlaSweepService) {
    super();
  }

  async process(_job: Job): Promise<SweepResult | { skipped: 'db-mismatch' }> {
    try {
      return await this.sweeper.sweep(new Date());
    } catch (err) {
      // Missing tables will not fix themselves by crashing; log clearly and let the next tick retry.
      if (isMissingSchemaError(err)) {
        this.logger.error(DB_MISMATCH_MESSAGE);
        return { skipped: 'db-mismatch' };
      }
      throw err;
    }
  }

  /** Drain the running sweep before onApplicationShutdown disconnects Prisma (close() waits for active jobs). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
