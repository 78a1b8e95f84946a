import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import type { EmailAccount } from '@nixflow/db/client';
import { decryptSecret, EMAIL_INBOUND_PROCESS_QUEUE, PROCESS_RAW_JOB, processRawJobId } from '@nixflow/core';
import { CLOCK, type Clock } from '@nixflow/domain';
import { PrismaService } from '../prisma/prisma.service.js';
import { EMAIL_WORKER_CONFIG, type EmailWorkerConfig } from './email-worker.config.js';

export interface PollResult {
  accountId: string;
  uidValidity: string;
  staged: number;
  lastUid: string;
  uidValidityChanged: boolean;
}

const PROCESS_JOB_OPTS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 10_000 },
  removeOnComplete: 1000,
  removeOnFail: 1000,
};

/**
 * Fetches new messages of one account's IMAP folder and stages them (EmailInboundRaw) for the inbound
 * pipeline (StagedMailProcessor). Each batch is staged in the same transaction that advances imapLastUid, so
 * a crash never skips a message and never stages one twice (unique account + UIDVALIDITY + UID). A changed
 * UIDVALIDITY means the server renumbered the folder: fetch everything again; the pipeline drops what it
 * already has by Message-ID.
 */
@Injectable()
export class ImapPollerService {
  private readonly logger = new Logger(ImapPollerService.name);

  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(EMAIL_INBOUND_PROCESS_QUEUE) private readonly processQueue: Queue,
    @Inject(EMAIL_WORKER_CONFIG) private readonly config: EmailWorkerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async poll(accountId: string): Promise<PollResult | { accountId: string; skipped: string }> {
    const db = this.prisma.client;
    const account = await db.emailAccount.findUnique({ where: { id: accountId } });
    if (!account || !account.isActive || !account.imapHost) return { accountId, skipped: 'inactive or no IMAP' };
    try {
      const result = await this.fetchNew(account);
      await db.emailAccount.update({
        where: { id: accountId },
        data: { lastPolledAt: this.clock.now(), lastError: null },
      });
      return result;
    } catch (err) {
      const message = `IMAP: ${(err as Error).message ?? String(err)}`.slice(0, 2000);
      await db.emailAccount.update({
        where: { id: accountId },
        data: { lastPolledAt: this.clock.now(), lastError: message },
      });
      throw err;
    }
  }

  private client(a: EmailAccount): ImapFlow {
    const ms = this.config.connectTimeoutMs;
    const client = new ImapFlow({
      host: a.imapHost!,
      port: a.imapPort ?? (a.imapTls ? 993 : 143),
      secure: a.imapTls,
      auth: {
        user: a.imapUser ?? a.address,
        pass: a.imapPasswordEnc ? decryptSecret(a.imapPasswordEnc, this.config.secretKey) : '',
      },
      logger: false,
      connectionTimeout: ms,
      greetingTimeout: ms,
      socketTimeout: ms * 6,
    });
    client.on('error', (err: Error) => this.logger.warn(`IMAP ${a.address}: ${err.message}`));
    return client;
  }

  private async fetchNew(account: EmailAccount): Promise<PollResult> {
    const db = this.prisma.client;
    const client = this.client(account);
    await client.connect();
    try {
      const lock = await client.getMailboxLock(account.imapFolder, { readOnly: true });
      try {
        const box = client.mailbox;
        if (!box) throw new Error(`folder ${account.imapFolder} is not open`);
        const uidValidity = BigInt(box.uidValidity);
        const changed = account.imapUidValidity !== null && account.imapUidValidity !== uidValidity;
        if (changed)
          this.logger.warn(
            `${account.address}: UIDVALIDITY changed ${account.imapUidValidity} → ${uidValidity}, refetching`,
          );
        let lastUid = !changed && account.imapLastUid !== null ? account.imapLastUid : 0n;
        // "n:*" always matches the highest UID, even below n: filter.
        const found = (await client.search({ uid: `${lastUid + 1n}:*` }, { uid: true })) || [];
        const uids = found.filter((u) => BigInt(u) > lastUid).sort((a, b) => a - b);
        let staged = 0;
        for (let i = 0; i < uids.length; i += this.config.imapBatchSize) {
          const batch = uids.slice(i, i + this.config.imapBatchSize);
          const fetched: { uid: number; source: Buffer }[] = [];
          for await (const m of client.fetch(batch.join(','), { uid: true, source: true }, { uid: true })) {
            if (m.source) fetched.push({ uid: m.uid, source: m.source });
          }
          const batchMax = BigInt(batch[batch.length - 1]!);
          const rows = await db.$transaction(async (tx) => {
            const created = await tx.emailInboundRaw.createManyAndReturn({
              data: fetched.map((f) => ({
                accountId: account.id,
                source: new Uint8Array(f.source),
                imapUidValidity: uidValidity,
                imapUid: BigInt(f.uid),
              })),
              skipDuplicates: true,
              select: { id: true },
            });
            await tx.emailAccount.update({
              where: { id: account.id },
              data: { imapUidValidity: uidValidity, imapLastUid: batchMax },
            });
            return created;
          });
          lastUid = batchMax;
          staged += rows.length;
          await this.enqueue(rows.map((r) => r.id));
        }
        if (uids.length === 0 && (changed || account.imapUidValidity === null)) {
          await db.emailAccount.update({
            where: { id: account.id },
            data: { imapUidValidity: uidValidity, imapLastUid: lastUid },
          });
        }
        return {
          accountId: account.id,
          uidValidity: uidValidity.toString(),
          staged,
          lastUid: lastUid.toString(),
          uidValidityChanged: changed,
        };
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** Hands staged rows to StagedMailProcessor; ids double as job ids, so re-enqueuing is harmless. */
  async enqueue(rawIds: string[]): Promise<void> {
    if (rawIds.length === 0) return;
    await this.processQueue.addBulk(
      rawIds.map((rawId) => ({
        name: PROCESS_RAW_JOB,
        data: { rawId },
        opts: { ...PROCESS_JOB_OPTS, jobId: processRawJobId(rawId) },
      })),
    );
  }
}
