import { Injectable, Logger } from '@nestjs/common';
import { EmailInboundService, UnparseableMessageError } from '@nixflow/domain';
import { PrismaService } from '../prisma/prisma.service.js';

export type StagedMailResult = { rawId: string; emailMessageId?: string; skipped?: string };

/**
 * Turns a message the IMAP poller staged (EmailInboundRaw) into a ticket or comment with the domain's inbound
 * pipeline, the one POST /api/email/inbound uses, then deletes the staged row.
 */
@Injectable()
export class StagedMailService {
  private readonly logger = new Logger(StagedMailService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly inbound: EmailInboundService,
  ) {}

  /**
   * A failure is counted and kept on the row (attempts, lastError) and thrown, so BullMQ retries it; the
   * maintenance sweep re-enqueues only rows without lastError. Input that is not mail is kept for
   * inspection but not retried: retrying cannot help.
   */
  async processRaw(rawId: string): Promise<StagedMailResult> {
    const db = this.prisma.client;
    const raw = await db.emailInboundRaw.findUnique({ where: { id: rawId }, include: { account: true } });
    if (!raw) return { rawId, skipped: 'already processed' };
    try {
      const result = await this.inbound.ingest(raw.account, Buffer.from(raw.source));
      await db.emailInboundRaw.delete({ where: { id: rawId } });
      return { rawId, emailMessageId: result.emailMessageId };
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      await db.emailInboundRaw.update({
        where: { id: rawId },
        data: { attempts: { increment: 1 }, lastError: message },
      });
      if (err instanceof UnparseableMessageError) {
        this.logger.warn(`staged message ${rawId} is not a mail message: ${message}`);
        return { rawId, skipped: 'unparseable' };
      }
      throw err;
    }
  }
}
