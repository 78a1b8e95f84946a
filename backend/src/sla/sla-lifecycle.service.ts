import { Injectable } from '@nestjs/common';
import { Prisma, SLABreachType, UserRole, type SLAMetric, type SLAPolicy } from '@nixflow/db/client';
import {
  isOpenMetric,
  planSlaOperations,
  selectPolicy,
  type SlaEvent,
  type SlaMetricOp,
  type SlaMetricState,
  type SlaTicketLike,
} from '@nixflow/core';
import { SlaPolicyCache } from './sla-policy-cache.js';

/** The ticket columns the SLA hooks read (a full Ticket row satisfies it). */
export interface SlaTicketRow extends SlaTicketLike {
  id: string;
  requesterId?: string;
}

export interface SlaCommentRow {
  internal: boolean;
  authorId?: string;
}

type Tx = Prisma.TransactionClient;

/**
 * Applies the pure SLA planner (@nixflow/core sla-lifecycle) to the database, inside the caller's
 * transaction. Every update is guarded by the status the planner saw (`updateMany where status = …`),
 * so a concurrent worker breach is never overwritten (BREACHED never goes back to ACTIVE).
 */
@Injectable()
export class SlaLifecycleService {
  /** Overridable clock (tests). */
  now: () => Date = () => new Date();

  /** The policy table, cached per process (see SlaPolicyCache: one stamp query per use, reload on change). */
  readonly policies = new SlaPolicyCache();

  /**
   * `ticket` must have been inserted by this transaction: no other transaction can have given it
   * metrics yet (they would need the uncommitted row), so there is nothing to read or lock.
   */
  async onTicketCreated(tx: Tx, ticket: SlaTicketRow): Promise<void> {
    const policies = await this.activePolicies(tx);
    const policy = selectPolicy(policies, ticket);
    if (!policy) return;
    // The policy is recorded even for a "no SLA" policy (no clocks): the ticket view says which applied.
    await this.run(tx, ticket, [], { kind: 'created' }, policy, false, policy.id);
  }

  async onTicketChanged(tx: Tx, before: SlaTicketRow, after: SlaTicketRow): Promise<void> {
    const priorityChanged = before.priority !== after.priority;
    const statusChanged = before.status !== after.status;
    if (!priorityChanged && !statusChanged) return;
    let metrics = await this.metricsOf(tx, after.id);
    if (metrics.length === 0) return;
    if (priorityChanged) {
      const selected = selectPolicy(await this.activePolicies(tx), after);
      const policy = selected ?? (await this.policyOfMetrics(tx, metrics));
      if (selected) await syncTicketSla(tx, after.id, selected.id);
      metrics = await this.run(
        tx,
        after,
        metrics,
        { kind: 'priorityChanged', from: before.priority, to: after.priority },
        policy,
        statusChanged, // the status step below plans on the updated metrics
      );
    }
    if (statusChanged) {
      const policy = await this.policyOfMetrics(tx, metrics);
      await this.run(
        tx,
        after,
        metrics,
        { kind: 'statusChanged', from: before.status, to: after.status },
        policy,
        false,
      );
    }
  }

  async onCommentAdded(tx: Tx, ticket: SlaTicketRow, comment: SlaCommentRow, authorRole: UserRole): Promise<void> {
    if (comment.internal) return;
    const metrics = await this.metricsOf(tx, ticket.id);
    if (authorRole === UserRole.CUSTOMER) {
      const policy = (await this.policyOfMetrics(tx, metrics)) ?? selectPolicy(await this.activePolicies(tx), ticket);
      await this.run(tx, ticket, metrics, { kind: 'customerReply' }, policy, false);
    } else {
      if (metrics.length === 0) return;
      const policy = await this.policyOfMetrics(tx, metrics);
      await this.run(tx, ticket, metrics, { kind: 'agentPublicReply' }, policy, false);
    }
  }

  async onTicketDeleted(tx: Tx, ticket: SlaTicketRow): Promise<void> {
    const metrics = await this.metricsOf(tx, ticket.id);
    await this.run(tx, ticket, metrics, { kind: 'deleted' }, null, false);
  }

  /** Recompute the open metrics of a changed policy (PATCH transaction, small policies; the worker does large ones). */
  async onPolicyChanged(tx: Tx, policy: SLAPolicy): Promise<number> {
    const open = await tx.sLAMetric.findMany({
      where: { policyId: policy.id, status: { in: ['ACTIVE', 'AT_RISK', 'PAUSED'] } },
      include: { ticket: true },
      orderBy: [{ ticketId: 'asc' }],
    });
    const byTicket = new Map<string, typeof open>();
    for (const m of open) {
      const list = byTicket.get(m.ticketId) ?? [];
      list.push(m);
      byTicket.set(m.ticketId, list);
    }
    let changed = 0;
    for (const list of byTicket.values()) {
      const ops = planSlaOperations({
        metrics: list.map(toState),
        ticket: list[0].ticket,
        event: { kind: 'policyChanged' },
        now: this.now(),
        policy,
      });
      changed += await this.apply(tx, list[0].ticketId, list.map(toState), ops);
    }
    if (byTicket.size > 0) await syncTicketSla(tx, [...byTicket.keys()]);
    return changed;
  }

  /** Plans and applies `event`; re-reads the metrics afterwards only when the caller needs them (`reload`). */
  private async run(
    tx: Tx,
    ticket: SlaTicketRow,
    metrics: SlaMetricState[],
    event: SlaEvent,
    policy: SLAPolicy | null,
    reload = true,
    recordPolicyId?: string,
  ): Promise<SlaMetricState[]> {
    const ops = planSlaOperations({ metrics, ticket, event, now: this.now(), policy });
    if (ops.length > 0) await this.apply(tx, ticket.id, metrics, ops);
    // One statement for the ticket's SLA columns, only when something changed.
    if (ops.length > 0 || recordPolicyId !== undefined) await syncTicketSla(tx, ticket.id, recordPolicyId);
    if (ops.length === 0) return metrics;
    // The rows are already locked by this transaction (metricsOf, or created by it): a plain read will do.
    return reload ? this.readMetrics(tx, ticket.id) : metrics;
  }

  private async apply(tx: Tx, ticketId: string, metrics: SlaMetricState[], ops: SlaMetricOp[]): Promise<number> {
    let changed = 0;
    // All creations in one statement; the unique (ticketId, type, cycle) makes a duplicate hook call harmless.
    const creations = ops.flatMap((op) => (op.op === 'create' ? [op] : []));
    if (creations.length > 0) {
      const res = await tx.sLAMetric.createMany({
        data: creations.map((op) => ({
          ticketId,
          policyId: op.policyId,
          policyVersion: op.policyVersion,
          type: op.type,
          cycle: op.cycle,
          targetMinutes: op.targetMinutes,
          status: op.status,
          startedAt: op.startedAt,
          dueAt: op.dueAt,
          warningAt: op.warningAt,
          pausedAt: op.pausedAt,
        })),
        skipDuplicates: true,
      });
      changed += res.count;
    }
    for (const op of ops) {
      if (op.op !== 'create') {
        const seen = metrics.find((m) => m.id === op.id);
        const res = await tx.sLAMetric.updateMany({
          where: { id: op.id, ...(seen ? { status: seen.status } : {}) },
          data: op.fields,
        });
        changed += res.count;
      }
    }
    return changed;
  }

  /**
   * The ticket's metrics, locked for the rest of the transaction. Without the lock the worker could move
   * a metric ACTIVE → AT_RISK between this read and the status-guarded update, and e.g. an agent reply
   * in time would silently not complete FIRST_RESPONSE (then breach). The sweep skips locked rows.
   */
  private async metricsOf(tx: Tx, ticketId: string): Promise<SlaMetricState[]> {
    // One statement: lock in id order (as every other locker of a ticket's metrics), then sort like readMetrics.
    const rows = await tx.$queryRaw<SLAMetric[]>`
      SELECT ${METRIC_COLUMNS} FROM "SLAMetric" WHERE "ticketId" = ${ticketId}::uuid ORDER BY "id" FOR UPDATE`;
    return rows.sort(byTypeAndCycle).map(toState);
  }

  private async readMetrics(tx: Tx, ticketId: string): Promise<SlaMetricState[]> {
    const rows = await tx.sLAMetric.findMany({ where: { ticketId }, orderBy: [{ type: 'asc' }, { cycle: 'asc' }] });
    return rows.map(toState);
  }

  private async activePolicies(tx: Tx): Promise<SLAPolicy[]> {
    return (await this.policies.get(tx)).active;
  }

  /** The policy governing a ticket's metrics (the one of its latest open metric, else latest metric). */
  private async policyOfMetrics(tx: Tx, metrics: SlaMetricState[]): Promise<SLAPolicy | null> {
    if (metrics.length === 0) return null;
    const m = metrics.find(isOpenMetric) ?? metrics[metrics.length - 1];
    return (await this.policies.get(tx)).byId.get(m.policyId) ?? null;
  }
}

/**
 * Keeps the ticket's SLA columns in step with its metrics: slaNextDueAt (the earliest deadline of a
 * running metric, or of a breached one nobody answered yet: the ticket list's sort=slaDueAt) and, when
 * given, slaPolicyId. Raw, so updatedAt and version stay as they are (no user-visible change).
 */
export async function syncTicketSla(tx: Tx, ticketIds: string | string[], policyId?: string | null): Promise<void> {
  const ids = Array.isArray(ticketIds) ? ticketIds : [ticketIds];
  const setPolicy = policyId !== undefined;
  await tx.$executeRaw`
    UPDATE "Ticket" t
    SET "slaNextDueAt" = (SELECT min(m."dueAt") FROM "SLAMetric" m
                          WHERE m."ticketId" = t."id"
                            AND (m."status" IN ('ACTIVE', 'AT_RISK') OR (m."status" = 'BREACHED' AND m."completedAt" IS NULL))),
        "slaPolicyId" = CASE WHEN ${setPolicy} THEN ${policyId ?? null}::uuid ELSE t."slaPolicyId" END
    WHERE t."id" = ANY (${ids}::uuid[])`;
}

/** The model's columns (no @map in the schema), so a raw row is exactly an SLAMetric. */
const METRIC_COLUMNS = Prisma.raw(
  Object.values(Prisma.SLAMetricScalarFieldEnum)
    .map((c) => `"${c}"`)
    .join(', '),
);

/** Enum declaration order, which is how PostgreSQL (and so Prisma's orderBy) sorts an enum column. */
const TYPE_ORDER: readonly string[] = Object.values(SLABreachType);
const byTypeAndCycle = (a: SLAMetric, b: SLAMetric): number =>
  TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || a.cycle - b.cycle;

export function toState(m: SLAMetric): SlaMetricState {
  return {
    id: m.id,
    policyId: m.policyId,
    policyVersion: m.policyVersion,
    type: m.type,
    cycle: m.cycle,
    targetMinutes: m.targetMinutes,
    status: m.status,
    startedAt: m.startedAt,
    dueAt: m.dueAt,
    warningAt: m.warningAt,
    pausedAt: m.pausedAt,
    pausedBusinessSeconds: m.pausedBusinessSeconds,
    completedAt: m.completedAt,
    breachedAt: m.breachedAt,
  };
}
