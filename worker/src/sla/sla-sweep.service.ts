import { Injectable, Logger } from '@nestjs/common';
import type { PrismaClient, Prisma } from '@nixflow/db/client';
import { PrismaService } from '../prisma/prisma.service.js';
import { atRiskBatchSql, breachBatchSql, type SweepBatchRow } from './sla-sweep.sql.js';

export interface SweepResult {
  breached: number;
  atRisk: number;
  durationMs: number;
}

export const SWEEP_BATCH_SIZE = 5000;

/** Set-based SLA sweep: a few statements per run whatever the number of tickets; safe to run concurrently. */
export class SlaSweeper {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    private readonly prisma: PrismaClient,
    private readonly batchSize = SWEEP_BATCH_SIZE,
  ) {}

  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const started = performance.now();
    const breached = await this.drain((n) => breachBatchSql(now, n));
    const atRisk = await this.drain((n) => atRiskBatchSql(now, n));
    const result = { breached, atRisk, durationMs: Math.round(performance.now() - started) };
    // An idle sweep every few seconds is not news: log it at debug, and anything it did at info.
    const line = `SLA sweep: ${breached} breached, ${atRisk} at risk in ${result.durationMs} ms`;
    if (breached + atRisk > 0) this.logger.log(line);
    else this.logger.debug(line);
    return result;
  }

  /** Runs batches until one comes back short: either the backlog is done or the rest is locked by another worker. */
  private async drain(statement: (batchSize: number) => Prisma.Sql): Promise<number> {
    let total = 0;
    for (;;) {
      const [row] = await this.prisma.$queryRaw<SweepBatchRow[]>(statement(this.batchSize));
      total += row?.changed ?? 0;
      if (!row || row.selected < this.batchSize) return total;
    }
  }
}

@Injectable()
export class SlaSweepService extends SlaSweeper {
  constructor(prisma: PrismaService) {
    super(prisma.client);
  }
}
