import { Injectable, Logger } from '@nestjs/common';
import type { PrismaClient, Prisma } from '@nixflow/db/client';
import { PrismaService } from '../prisma/prisma.service.js';
import {
  atRiskBatchSql,
  breachBatchSql,
  sweepProbeSql,
  type SweepBatchRow,
  type SweepProbeRow,
} from './sla-sweep.sql.js';

export interface SweepResult {
  breached: number;
  atRisk: number;
  durationMs: number;
  /** Earliest deadline still open after the pass (null: none), from the probe. */
  nextDueAt: string | null;
}

export const SWEEP_BATCH_SIZE = 5000;

/** Set-based SLA sweep: a few statements per run whatever the number of tickets; safe to run concurrently. */
export class SlaSweeper {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    private readonly prisma: PrismaClient,
    private readonly batchSize = SWEEP_BATCH_SIZE,
  ) {}

  /**
   * An idle pass is one cheap probe (two index-only min() lookups on the open partial indexes); the
   * locking batch statements, which cost a plan of a large CTE and a transaction each, only run when the
   * probe saw something due. This is what makes a 1 s interval affordable at millions of open metrics.
   */
  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const started = performance.now();
    const probe = await this.probe(now);
    const breached =
      probe.dueAt !== null && probe.dueAt <= now.getTime() ? await this.drain((n) => breachBatchSql(now, n)) : 0;
    const atRisk =
      probe.warningAt !== null && probe.warningAt <= now.getTime()
        ? await this.drain((n) => atRiskBatchSql(now, n))
        : 0;
    const nextDueAt = probe.nextDueAt === null ? null : new Date(probe.nextDueAt).toISOString();
    const result = { breached, atRisk, durationMs: Math.round(performance.now() - started), nextDueAt };
    // An idle sweep every second is not news: log it at debug, and anything it did at info.
    const line = `SLA sweep: ${breached} breached, ${atRisk} at risk in ${result.durationMs} ms`;
    if (breached + atRisk > 0) this.logger.log(line);
    else this.logger.debug(line);
    return result;
  }

  private async probe(now: Date): Promise<SweepProbeRow> {
    const [row] = await this.prisma.$queryRaw<SweepProbeRow[]>(sweepProbeSql(now));
    return row ?? { dueAt: null, warningAt: null, nextDueAt: null };
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
