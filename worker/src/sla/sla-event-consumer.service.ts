import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { EMAIL_OUTBOUND_QUEUE, SEND_NOTIFICATION_JOB } from '@nixflow/core';
import type { PrismaClient } from '@nixflow/db/client';
import { CLOCK, notifyTicketEvents, systemClock, type Clock } from '@nixflow/domain';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { consumeEventBatch } from '../events/event-log.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { handleSlaEvents, type SlaHandlerStats } from './sla-event-handler.js';
import type { EmailEnqueuer } from './sla-notifications.js';

export const SLA_EVENT_CONSUMER = 'sla';

export interface SlaEventConsumerOptions {
  /** Events per transaction. */
  batchSize?: number;
  /** One run stops starting new batches after this long (the next scheduled run continues). */
  budgetMs?: number;
  /** Metrics recomputed per transaction for a changed policy. */
  recomputeChunk?: number;
  /** What "now" is for deadlines and notifications (the injected CLOCK in the worker). */
  clock?: Clock;
}

export interface ConsumerRunResult extends SlaHandlerStats {
  /** Notification rows of ticket changes (comments, status, assignment). */
  ticketNotifications: number;
  events: number;
  batches: number;
  /** True when another worker held the consumer. */
  skipped: boolean;
  durationMs: number;
}

/**
 * Runs the event consumer: the SLA side of each batch, then the notification fan-out of the ticket changes
 * the SLA side finished (same transaction, same watermark). Batches until caught up or the time budget of
 * one job is spent. The watermark row keeps its name, "sla", so an upgrade continues where it was.
 */
export class SlaEventConsumer {
  private readonly logger = new Logger('SlaEventConsumer');
  private stopping = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly enqueueEmails: EmailEnqueuer | null,
    private readonly options: SlaEventConsumerOptions = {},
  ) {}

  /** Ends the current run after the batch in flight (graceful shutdown). */
  stop(): void {
    this.stopping = true;
  }

  async run(): Promise<ConsumerRunResult> {
    const started = performance.now();
    const stats: SlaHandlerStats = { notifications: 0, emails: 0, recomputed: 0, cancelled: 0 };
    let ticketNotifications = 0;
    let events = 0;
    let batches = 0;
    let skipped = false;
    const { batchSize = 500, budgetMs = 5_000, recomputeChunk, clock = systemClock } = this.options;
    while (!this.stopping && performance.now() - started < budgetMs) {
      const r = await consumeEventBatch(this.prisma, SLA_EVENT_CONSUMER, batchSize, async (tx, batch) => {
        const handled = await handleSlaEvents(tx, batch, clock.now(), this.enqueueEmails, stats, recomputeChunk);
        ticketNotifications += await notifyTicketEvents(tx, batch.slice(0, handled));
        return handled;
      });
      if (!r.locked) {
        skipped = true;
        break;
      }
      if (r.read === 0) break;
      batches++;
      events += r.handled;
      // A short batch that was fully handled means we are caught up.
      if (r.read < batchSize && r.handled === r.read) break;
    }
    const durationMs = Math.round(performance.now() - started);
    const result = { ...stats, ticketNotifications, events, batches, skipped, durationMs };
    if (events > 0) {
      this.logger.log(
        `events: ${events} in ${batches} batches, ${ticketNotifications} ticket notifications, ` +
          `${stats.notifications} SLA notifications, ${stats.emails} emails, ` +
          `${stats.recomputed} metrics recomputed, ${stats.cancelled} cancelled in ${result.durationMs} ms`,
      );
    }
    return result;
  }
}

@Injectable()
export class SlaEventConsumerService extends SlaEventConsumer {
  constructor(
    prisma: PrismaService,
    @InjectQueue(EMAIL_OUTBOUND_QUEUE) emailQueue: Queue,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    super(prisma.client, queueEnqueuer(emailQueue), { batchSize: config.eventConsumerBatchSize, clock });
  }
}

/** `send-notification` jobs with deterministic ids (BullMQ ignores an add whose id already exists). */
export function queueEnqueuer(queue: Queue): EmailEnqueuer {
  return async (emails) => {
    await queue.addBulk(
      emails.map((e) => ({
        name: SEND_NOTIFICATION_JOB,
        data: e.data,
        opts: {
          jobId: e.jobId,
          // Business-hours-only policies: the mail waits for the next business minute (BullMQ delayed job).
          ...(e.delayMs ? { delay: e.delayMs } : {}),
          attempts: 5,
          backoff: { type: 'exponential', delay: 10_000 },
          // Kept a day so that the id still deduplicates a retried enqueue.
          removeOnComplete: { age: 86_400 },
          removeOnFail: { age: 7 * 86_400 },
        },
      })),
    );
  };
}
