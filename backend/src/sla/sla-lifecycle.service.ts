import { Injectable } from '@nestjs/common';
import { Prisma, UserRole, type SLAMetric, type SLAPolicy } from '@nixflow/db/client';
import {
  isOpenMetric,
  planSlaOperations,
  selectPolicy,
  type SlaEvent,
  type SlaMetricOp,
  type SlaMetricState,
  type SlaTicketLike,
} from '@nixflow/core';

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

  async onTicketCreated(tx: Tx, ticket: SlaTicketRow): Promise<void> {
    const policies = await this.activePolicies(tx);
    const policy = selectPolicy(policies, ticket);
    if (!policy) return;
    const metrics = await this.metricsOf(tx, ticket.id);
    await this.run(tx, ticket, metrics, { kind: 'created' }, policy);
  }

  async onTicketChanged(tx: Tx, before: SlaTicketRow, after: SlaTicketRow): Promise<void> {
    const priorityChanged = before.priority !== after.priority;
    const statusChanged = before.status !== after.status;
    if (!priorityChanged && !statusChanged) return;
    let metrics = await this.metricsOf(tx, after.id);
    if (metrics.length === 0) return;
    if (priorityChanged) {
      const policy = selectPolicy(await this.activePolicies(tx), after) ?? (await this.policyOfMetrics(tx, metrics));
      metrics = await this.run(
        tx,
        after,
        metrics,
        { kind: 'priorityChanged', from: before.priority, to: after.priority },
        policy,
      );
    }
    if (statusChanged) {
      const policy = await this.policyOfMetrics(tx, metrics);
      await this.run(tx, after, metrics, { kind: 'statusChanged', from: before.status, to: after.status }, policy);
    }
  }

  async onCommentAdded(tx: Tx, ticket: SlaTicketRow, comment: SlaCommentRow, authorRole: UserRole): Promise<void> {
    if (comment.internal) return;
    const metrics = await this.metricsOf(tx, ticket.id);
    if (authorRole === UserRole.CUSTOMER) {
      const policy = (await this.policyOfMetrics(tx, metrics)) ?? selectPolicy(await this.activePolicies(tx), ticket);
      await this.run(tx, ticket, metrics, { kind: 'customerReply' }, policy);
    } else {
      if (metrics.length === 0) return;
      await this.run(tx, ticket, metrics, { kind: 'agentPublicReply' }, await this.policyOfMetrics(tx, metrics));
    }
  }

  async onTicketDeleted(tx: Tx, ticket: SlaTicketRow): Promise<void> {
    const metrics = await this.metricsOf(tx, ticket.id);
    await this.run(tx, ticket, metrics, { kind: 'deleted' }, null);
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
    return changed;
  }

  private async run(
    tx: Tx,
    ticket: SlaTicketRow,
    metrics: SlaMetricState[],
    event: SlaEvent,
    policy: SLAPolicy | null,
  ): Promise<SlaMetricState[]> {
    const ops = planSlaOperations({ metrics, ticket, event, now: this.now(), policy });
    if (ops.length === 0) return metrics;
    await this.apply(tx, ticket.id, metrics, ops);
    return this.metricsOf(tx, ticket.id);
  }

  private async apply(tx: Tx, ticketId: string, metrics: SlaMetricState[], ops: SlaMetricOp[]): Promise<number> {
    let changed = 0;
    for (const op of ops) {
      if (op.op === 'create') {
        // The unique (ticketId, type, cycle) makes a duplicate hook call harmless.
        const res = await tx.sLAMetric.createMany({
          data: [
            {
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
            },
          ],
          skipDuplicates: true,
        });
        changed += res.count;
      } else {
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
    await tx.$queryRaw`SELECT "id" FROM "SLAMetric" WHERE "ticketId" = ${ticketId}::uuid ORDER BY "id" FOR UPDATE`;
    const rows = await tx.sLAMetric.findMany({ where: { ticketId }, orderBy: [{ type: 'asc' }, { cycle: 'asc' }] });
    return rows.map(toState);
  }

  private activePolicies(tx: Tx): Promise<SLAPolicy[]> {
    return tx.sLAPolicy.findMany({
      where: { isActive: true, deletedAt: null },
      orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
    });
  }

  /** The policy governing a ticket's metrics (the one of its latest open metric, else latest metric). */
  private async policyOfMetrics(tx: Tx, metrics: SlaMetricState[]): Promise<SLAPolicy | null> {
    if (metrics.length === 0) return null;
    const m = metrics.find(isOpenMetric) ?? metrics[metrics.length - 1];
    return tx.sLAPolicy.findUnique({ where: { id: m.policyId } });
  }
}

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
