import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { EMAIL_INBOUND_PROCESS_QUEUE, type ProcessRawJobData } from '@nixflow/core';
import { PrismaService } from '../prisma/prisma.service.js';
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { EmailInboundService, UnparseableMessageError } from '@nixflow/domain';

/**
 * Processes the raw messages the worker staged from IMAP (EmailInboundRaw) with the same pipeline as
 * POST /api/email/inbound. It runs in the API process because the pipeline creates tickets and comments
 * through TicketsService/CommentsService (SLA hooks, events), which live here.
 */
@Injectable()
export class EmailInboundConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailInboundConsumer.name);
  private worker?: Worker;

  constructor(
    private readonly prisma: PrismaService,
    private readonly inbound: EmailInboundService,
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.inboundConsumer) return;
    this.worker = new Worker(
      EMAIL_INBOUND_PROCESS_QUEUE,
      (job: Job<ProcessRawJobData>) => this.processRaw(job.data.rawId),
      {
        connection: { url: this.config.redisUrl },
        prefix: this.config.queuePrefix,
        concurrency: 1,
      },
    );
    this.worker.on('error', (err) => this.logger.warn(`inbound consumer: ${err.message}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** Ingests one staged message and deletes it; a failure is kept on the row and retried by BullMQ. */
  async processRaw(rawId: string): Promise<{ rawId: string; emailMessageId?: string; skipped?: string }> {
    const raw = await this.prisma.emailInboundRaw.findUnique({ where: { id: rawId }, include: { account: true } });
    if (!raw) return { rawId, skipped: 'already processed' };
    try {
      const result = await this.inbound.ingest(raw.account, Buffer.from(raw.source));
      await this.prisma.emailInboundRaw.delete({ where: { id: rawId } });
      return { rawId, emailMessageId: result.emailMessageId };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (err instanceof UnparseableMessageError) {
        // Retrying cannot help; keep the row for inspection but stop processing it.
        await this.prisma.emailInboundRaw.update({
          where: { id: rawId },
          data: { attempts: { increment: 1 }, lastError: message },
        });
        this.logger.warn(`staged message ${rawId} is not a mail message: ${message}`);
        return { rawId, skipped: 'unparseable' };
      }
      await this.prisma.emailInboundRaw.update({
        where: { id: rawId },
        data: { attempts: { increment: 1 }, lastError: message },
      });
      throw err;
    }
  }
}
