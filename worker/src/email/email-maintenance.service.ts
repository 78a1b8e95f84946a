import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  EMAIL_OUTBOUND_QUEUE,
  IMAP_POLL_JOB,
  imapPollSchedulerId,
  SEND_REPLY_JOB,
  sendReplyJobOptions,
  EMAIL_INBOUND_QUEUE,
} from '@nixflow/core';
import { CLOCK, type Clock } from '@nixflow/domain';
import { PrismaService } from '../prisma/prisma.service.js';
import { EMAIL_WORKER_CONFIG, type EmailWorkerConfig } from './email-worker.config.js';
import { ImapPollerService } from './imap-poller.service.js';

export interface MaintenanceResult {
  pollSchedulers: number;
  removedSchedulers: number;
  requeuedReplies: number;
  requeuedRaw: number;
}

const POLL_PREFIX = imapPollSchedulerId('');

/**
 * Keeps the queues in line with the database: one IMAP poll scheduler per active account (added,
 * re-timed, removed as accounts change) and a job for every QUEUED reply or staged message that has
 * none (Redis down at commit time, a job lost).
 */
@Injectable()
export class EmailMaintenanceService {
  private readonly logger = new Logger(EmailMaintenanceService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly poller: ImapPollerService,
    @InjectQueue(EMAIL_INBOUND_QUEUE) private readonly inboundQueue: Queue,
    @InjectQueue(EMAIL_OUTBOUND_QUEUE) private readonly outboundQueue: Queue,
    @Inject(EMAIL_WORKER_CONFIG) private readonly config: EmailWorkerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(now = this.clock.now()): Promise<MaintenanceResult> {
    const db = this.prisma.client;
    const accounts = await db.emailAccount.findMany({
      where: { isActive: true, imapHost: { not: null } },
      select: { id: true, pollIntervalSeconds: true },
    });
    const wanted = new Set<string>();
    for (const a of accounts) {
      const id = imapPollSchedulerId(a.id);
      wanted.add(id);
      await this.inboundQueue.upsertJobScheduler(
        id,
        { every: a.pollIntervalSeconds * 1000 },
        { name: IMAP_POLL_JOB, data: { accountId: a.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
    let removed = 0;
    for (const s of await this.inboundQueue.getJobSchedulers(0, -1)) {
      const key = s.key ?? s.id;
      if (key && key.startsWith(POLL_PREFIX) && !wanted.has(key)) {
        await this.inboundQueue.removeJobScheduler(key);
        removed++;
      }
    }

    const before = new Date(now.getTime() - this.config.queuedGraceMs);
    const queued = await db.emailMessage.findMany({
      where: { direction: 'OUTBOUND', status: 'QUEUED', updatedAt: { lt: before } },
      select: { id: true },
      take: 500,
    });
    for (const m of queued) {
      await this.outboundQueue.add(
        SEND_REPLY_JOB,
        { emailMessageId: m.id },
        sendReplyJobOptions(m.id, this.config.sendRetry),
      );
    }
    const raw = await db.emailInboundRaw.findMany({
      where: { createdAt: { lt: before }, lastError: null },
      select: { id: true },
      take: 500,
    });
    await this.poller.enqueue(raw.map((r) => r.id));
    const result = {
      pollSchedulers: accounts.length,
      removedSchedulers: removed,
      requeuedReplies: queued.length,
      requeuedRaw: raw.length,
    };
    if (queued.length || raw.length || removed) this.logger.log(`email maintenance: ${JSON.stringify(result)}`);
    return result;
  }
}
