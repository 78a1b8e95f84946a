import { Inject, Injectable, Optional } from '@nestjs/common';
import { UserRole, type SlaMetric, type SlaPolicy } from '@nixflow/db/client';
import {
  isOpenMetric,
  planSlaOperations,
  selectPolicy,
  type SlaEvent,
  type SlaMetricOp,
  type SlaMetricState,
  type SlaTicketLike,
} from '@nixflow/core';
import { CLOCK, type Clock } from '../clock.js';
import { ChangeNotices } from '../common/change-notices.js';
import type { Tx } from '../tx.js';
import { applyMetricOpsAndSyncTicket, lockTicketMetrics, toState } from './sla-metric-store.js';
import { SlaPolicyCache } from './sla-policy-cache.js';
import { recomputePolicyChunk } from './sla-policy-recompute.js';

/** The ticket columns the SLA hooks read (a full Ticket row satisfies it). */
export interface SlaTicketRow extends SlaTicketLike {
  id: string;
  requesterId?: string;
}

export interface SlaCommentRow {
  internal: boolean;
  authorId?: string;
}

/**
 * Applies the pure SLA planner (@nixflow/core sla-lifecycle) to the database, inside the caller's
 * transaction. Every update is guarded by the status the planner saw (`… where status = <seen>`),
 * so a concurrent worker breach is never overwritten (BREACHED never goes back to ACTIVE).
 */
@Injectable()
export class SlaLifecycleService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() notices?: ChangeNotices,
  ) {
    this.policies = new SlaPolicyCache(notices);
  }

  /** The injected clock (tests override CLOCK). */
  now(): Date {
    return this.clock.now();
  }

  /** The policy table, cached per process (see SlaPolicyCache: kept by change notices, else a stamp query per use). */
  readonly policies: SlaPolicyCache;

  /**
   * `ticket` must have been inserted by this transaction: no other transaction can have given it
   * metrics yet (they would need the uncommitted row), so there is nothing to read or lock.
   */
  async onTicketCreated(tx: Tx, ticket: SlaTicketRow): Promise<void> {
    const policies = await this.activePolicies(tx);
    const policy = selectPolicy(policies, ticket);
    if (!policy) return;
    // The policy is recorded even for a "no SLA" policy (no clocks): the ticket view says which applied.
    await this.run(tx, ticket, [], { kind: 'created' }, policy, policy.id);
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
      // The status step below plans on the updated metrics (the write returns them).
      metrics = await this.run(
        tx,
        after,
        metrics,
        { kind: 'priorityChanged', from: before.priority, to: after.priority },
        policy,
        selected?.id,
      );
    }
    if (statusChanged) {
      const policy = await this.policyOfMetrics(tx, metrics);
      await this.run(tx, after, metrics, { kind: 'statusChanged', from: before.status, to: after.status }, policy);
    }
  }

  /**
   * `locked`: all the ticket's metrics, already locked by the caller in this transaction (the comment's
   * own statement locks them after the ticket row: see CommentsService), so they are not read again.
   */
  async onCommentAdded(
    tx: Tx,
    ticket: SlaTicketRow,
    comment: SlaCommentRow,
    authorRole: UserRole,
    locked?: SlaMetricState[],
  ): Promise<void> {
    if (comment.internal) return;
    const metrics = locked ?? (await this.metricsOf(tx, ticket.id));
    if (authorRole === UserRole.CUSTOMER) {
      const policy = (await this.policyOfMetrics(tx, metrics)) ?? selectPolicy(await this.activePolicies(tx), ticket);
      await this.run(tx, ticket, metrics, { kind: 'customerReply' }, policy);
    } else {
      if (metrics.length === 0) return;
      const policy = await this.policyOfMetrics(tx, metrics);
      await this.run(tx, ticket, metrics, { kind: 'agentPublicReply' }, policy);
    }
  }

  async onTicketDeleted(tx: Tx, ticket: SlaTicketRow): Promise<void> {
    const metrics = await this.metricsOf(tx, ticket.id);
    await this.run(tx, ticket, metrics, { kind: 'deleted' }, null);
  }

  /**
   * Recompute the open metrics of a changed policy (PATCH transaction, small policies; the worker does large
   * ones): the same chunked recompute the worker runs, until nothing carries an older version.
   */
  async onPolicyChanged(tx: Tx, policy: SlaPolicy): Promise<number> {
    let changed = 0;
    for (;;) {
      const chunk = await recomputePolicyChunk(tx, policy.id, this.now());
      changed += chunk.changed;
      if (chunk.done) return changed;
    }
  }

  /**
   * Plans and applies `event`, the metrics and the ticket's SLA columns (and `recordPolicyId`) in one
   * statement, only when something changes; returns the metrics as they are now.
   */
  private async run(
    tx: Tx,
    ticket: SlaTicketRow,
    metrics: SlaMetricState[],
    event: SlaEvent,
    policy: SlaPolicy | null,
    recordPolicyId?: string,
  ): Promise<SlaMetricState[]> {
    const now = this.now();
    const ops = planSlaOperations({ metrics, ticket, event, now, policy });
    if (ops.length === 0 && recordPolicyId === undefined) return metrics;
    const written = await this.apply(tx, ticket.id, metrics, ops, now, recordPolicyId);
    return ops.length === 0 ? metrics : written.map(toState);
  }

  private async apply(
    tx: Tx,
    ticketId: string,
    metrics: SlaMetricState[],
    ops: SlaMetricOp[],
    now: Date,
    policyId?: string,
  ): Promise<SlaMetric[]> {
    return (await applyMetricOpsAndSyncTicket(tx, ticketId, metrics, ops, { now, policyId })).metrics;
  }

  /**
   * The ticket's metrics, locked for the rest of the transaction. Without the lock the worker could move
   * a metric ACTIVE → AT_RISK between this read and the status-guarded update, and e.g. an agent reply
   * in time would silently not complete FIRST_RESPONSE (then breach). The sweep skips locked rows.
   */
  private async metricsOf(tx: Tx, ticketId: string): Promise<SlaMetricState[]> {
    return (await lockTicketMetrics(tx, ticketId)).map(toState);
  }

  private async activePolicies(tx: Tx): Promise<SlaPolicy[]> {
    return (await this.policies.get(tx)).active;
  }

  /** The policy governing a ticket's metrics (the one of its latest open metric, else latest metric). */
  private async policyOfMetrics(tx: Tx, metrics: SlaMetricState[]): Promise<SlaPolicy | null> {
    if (metrics.length === 0) return null;
    const m = metrics.find(isOpenMetric) ?? metrics[metrics.length - 1];
    return this.policies.forMetric(tx, m.policyId, m.policyVersion);
  }
}
