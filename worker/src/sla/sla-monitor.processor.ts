import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { workerConcurrency } from '../config.js';
import { runJob } from '../queues/job-failure.js';
import { SLA_MONITOR_QUEUE } from './sla.constants.js';
import { SlaSweepService, type SweepResult } from './sla-sweep.service.js';

// Decorator options are fixed at import time, so concurrency is read from the environment here.
@Processor(SLA_MONITOR_QUEUE, { concurrency: workerConcurrency() })
export class SlaMonitorProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SlaMonitorProcessor.name);

  constructor(private readonly sweeper: SlaSweepService) {
    super();
  }

  // A missing table ([DB-MISMATCH]) fails this run; the next tick is the retry. The sweeper reads the injected clock.
  async process(job: Job): Promise<SweepResult> {
    return runJob(job, this.logger, () => this.sweeper.sweep());
  }

  /** Drain the running sweep before onApplicationShutdown disconnects Prisma (close() waits for active jobs). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
