import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EMAIL_INBOUND_PROCESS_QUEUE, PROCESS_RAW_JOB, type ProcessRawJobData } from '@nixflow/core';
import { workerConcurrency } from '../config.js';
import { runJob } from '../queues/job-failure.js';
import { StagedMailService } from './staged-mail.service.js';

/** Consumes `email-inbound-process`: one job per message the IMAP poller staged (job id = staged row). */
@Processor(EMAIL_INBOUND_PROCESS_QUEUE, { concurrency: workerConcurrency() })
export class StagedMailProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StagedMailProcessor.name);

  constructor(private readonly staged: StagedMailService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name !== PROCESS_RAW_JOB) {
      this.logger.warn(`unknown job ${job.name} on ${EMAIL_INBOUND_PROCESS_QUEUE}`);
      return null;
    }
    // Permanent failures stop, a schema mismatch is logged [DB-MISMATCH] and retried, the rest retried
    // by BullMQ (the poller's job options); the row keeps attempts and lastError either way.
    return runJob(job, this.logger, () => this.staged.processRaw((job.data as ProcessRawJobData).rawId));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
