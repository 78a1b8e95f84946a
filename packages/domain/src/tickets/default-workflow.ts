import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Prisma } from '@nixflow/db/client';
import { ChangeNotices } from '../common/change-notices.js';
import { ConfigCache } from '../common/config-cache.js';
import type { Tx } from '../tx.js';

export type WorkflowWithStages = Prisma.WorkflowGetPayload<{ include: { stages: true } }>;

/**
 * The default workflow with its stages, which every ticket created without a workflow reads: kept between
 * creates while change notices arrive (ConfigCache; "Workflow" and "Stage" notices drop it), read from the
 * database on every create otherwise.
 */
@Injectable()
export class DefaultWorkflowCache {
  private readonly cache: ConfigCache<WorkflowWithStages | null>;

  constructor(@Optional() @Inject(ChangeNotices) notices?: ChangeNotices) {
    this.cache = new ConfigCache(notices, ['Workflow', 'Stage']);
  }

  /** The oldest workflow marked default, or null. */
  get(db: Pick<Tx, 'workflow'>): Promise<WorkflowWithStages | null> {
    return this.cache.get(() =>
      db.workflow.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'asc' }, include: { stages: true } }),
    );
  }

  /** Awaits this process's write to workflows or stages, then drops the cache (its notice is still on its way). */
  afterWrite<T>(write: Promise<T>): Promise<T> {
    return this.cache.afterWrite(write);
  }
}
