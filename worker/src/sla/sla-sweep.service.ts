import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { PrismaClient, Prisma } from '@nixflow/db/client';
import { CLOCK, systemClock, type Clock } from '@nixflow/domain';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import {
  atRiskBatchSql,
  breachBatchSql,
  SWEEP_PROBE_SQL,
  type SweepBatchRow,
  type SweepProbeRow,
} from './sla-sweep.sql.js';

/** A pg Pool or Client: runs the probe as a named prepared statement (planned once per connection). */
export interface ProbeDb {
  query(config: { name: string; text: string }): Promise<{ rows: SweepProbeRow[] }>;
}

export interface SweepResult {
  breached: number;
  atRisk: number;
  durationMs: number;
  /** Earliest open deadline the probe saw before the pass (null: none). */
  earliestDueAt: string | null;
}

export const SWEEP_BATCH_SIZE = 5000;

/** Set-based SLA sweep: a few statements per run whatever the number of tickets; safe to run concurrently. */
export class SlaSweeper {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    private readonly prisma: PrismaClient,
    private readonly batchSize = SWEEP_BATCH_SIZE,
    /** Without it the probe goes through Prisma (one more plan per pass, and Prisma's own overhead). */
    private readonly probeDb: ProbeDb | null = null,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * An idle pass is one cheap probe (two index-only min() lookups on the open partial indexes); the
   * locking batch statements, which cost a plan of a large CTE and a transaction each, only run when the
   * probe saw something due. This is what makes a 1 s interval affordable at millions of open metrics.
   */
  async sweep(now: Date = this.clock.now()): Promise<SweepResult> {
    const started = performance.now();
    const probe = await this.probe();
    const breached =
      probe.dueAt !== null && probe.dueAt <= now.getTime() ? await this.drain((n) => breachBatchSql(now, n)) : 0;
    const atRisk =
      probe.warningAt !== null && probe.warningAt <= now.getTime()
        ? await this.drain((n) => atRiskBatchSql(now, n))
        : 0;
    const earliestDueAt = probe.dueAt === null ? null : new Date(probe.dueAt).toISOString();
    const result = { breached, atRisk, durationMs: Math.round(performance.now() - started), earliestDueAt };
    // An idle sweep every second is not news: log it at debug, and anything it did at info.
    const line = `SLA sweep: ${breached} breached, ${atRisk} at risk in ${result.durationMs} ms`;
    if (breached + atRisk > 0) this.logger.log(line);
    else this.logger.debug(line);
    return result;
  }

  private async probe(): Promise<SweepProbeRow> {
    const rows = this.probeDb
      ? (await this.probeDb.query({ name: 'nixflow_sla_sweep_probe', text: SWEEP_PROBE_SQL })).rows
      : await this.prisma.$queryRawUnsafe<SweepProbeRow[]>(SWEEP_PROBE_SQL);
    return rows[0] ?? { dueAt: null, warningAt: null };
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

/** One connection of its own for the probe, so its prepared plan is reused pass after pass. */
function probePool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  // A dropped idle connection (database restart) must not crash the worker: the next query reconnects.
  pool.on('error', (err) => new Logger('SlaSweep').warn(`probe connection lost: ${err.message}`));
  return pool;
}

@Injectable()
export class SlaSweepService extends SlaSweeper implements OnApplicationShutdown {
  private readonly pool: pg.Pool;

  constructor(prisma: PrismaService, @Inject(WORKER_CONFIG) config: WorkerConfig, @Inject(CLOCK) clock: Clock) {
    const pool = probePool(config.databaseUrl);
    super(prisma.client, SWEEP_BATCH_SIZE, pool, clock);
    this.pool = pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
