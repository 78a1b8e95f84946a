import { Inject, Injectable } from '@nestjs/common';
import {
  PrismaClient,
  TicketChannel,
  TicketStatus,
  UserRole,
  type Prisma,
  type Stage,
  type Ticket,
  type TicketPriority,
} from '@nixflow/db/client';
import {
  customerMayChangeStatus,
  initialStage,
  isStaffRole,
  normalizeTags,
  stageFollowingStatus,
  stageTransitionAllowed,
  statusTimestamps,
} from '@nixflow/core';
import { ConflictError, ForbiddenError } from '../errors.js';
import { EventsService, type DomainEvent } from '../events/events.service.js';
import { SlaLifecycleService } from '../sla/sla-lifecycle.service.js';
import { PRISMA } from '../tokens.js';
import type { DomainUser as AuthUser, CreateTicketInput, UpdateTicketInput } from './ticket-inputs.js';
import { TicketPlacementService } from '../routing/ticket-placement.service.js';
import { DefaultWorkflowCache } from './default-workflow.js';
import { insertTicketRows } from './ticket-create-rows.js';
import { TicketAccessService } from './ticket-access.service.js';
import { USER_SUMMARY, type TicketView } from './ticket-relations.js';
import { removeWatchersWithoutAccess } from './ticket-watcher-access.js';
import {
  TICKET_TX_OPTIONS,
  ticketWriteTx,
  assertNotDeleted,
  fieldError,
  historyValue,
  lockTicketOrThrow,
  type Actor,
  type Tx,
} from './ticket-tx.js';

export type { Actor } from './ticket-tx.js';

export interface NewTicketInput {
  subject: string;
  description: string;
  priority?: TicketPriority;
  channel?: TicketChannel;
  requesterId: string;
  assigneeId?: string | null;
  workflowId?: string | null;
  tags?: string[];
  formId?: string | null;
  // teams (#23): the ticket's team (staff, a form's default), and facts routing rules look at.
  teamId?: string | null;
  emailAccountId?: string | null;
  /** The address the ticket came from when the requester row does not say it (an anonymous form). */
  contactEmail?: string | null;
  /** The requester is the system's unverified-contact account (inactive by design): skip the active check. */
  systemRequester?: boolean;
}

/** Fields a ticket update may change (undefined = leave as is). */
export interface TicketPatch {
  subject?: string;
  description?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  requesterId?: string;
  assigneeId?: string | null;
  workflowId?: string | null;
  stageId?: string | null;
  tags?: string[];
  teamId?: string | null;
}

export interface UpdateOptions {
  /** Optimistic concurrency: the version the client read (stale → 409). */
  expectedVersion?: number;
  /** Apply the workflow's allowed transitions (user moves); system moves (a customer's reply) skip them. */
  enforceTransitions: boolean;
}

interface FieldChange {
  field: keyof TicketPatch | 'workflowId' | 'stageId';
  from: unknown;
  to: unknown;
}

const CUSTOMER_PATCHABLE = new Set(['subject', 'description', 'status', 'version']);
const CUSTOMER_FORBIDDEN_ON_CREATE = ['priority', 'channel', 'assigneeId', 'workflowId', 'tags', 'teamId'] as const;

const sameValue = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : a === b;

/**
 * Ticket writes. Every write runs in one transaction: change + HistoryLog + EventLog + SLA hooks. The
 * notifications follow from the events, in the worker's event consumer (notifyTicketEvents).
 */
@Injectable()
export class TicketsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly sla: SlaLifecycleService,
    private readonly events: EventsService,
    private readonly access: TicketAccessService,
    private readonly placement: TicketPlacementService,
    private readonly defaultWorkflow: DefaultWorkflowCache,
  ) {}

  /** Same clock as the SLA engine, so timestamps and SLA metrics agree (tests fake it). */
  now(): Date {
    return this.sla.now();
  }

  // ─────────────────────────────── HTTP-facing operations ───────────────────────────────

  async create(user: AuthUser, dto: CreateTicketInput): Promise<TicketView> {
    const actor: Actor = { id: user.id, role: user.role };
    if (user.role === UserRole.CUSTOMER) {
      const forbidden: string[] = CUSTOMER_FORBIDDEN_ON_CREATE.filter((f) => dto[f] !== undefined);
      if (dto.requesterId !== undefined && dto.requesterId !== user.id) forbidden.unshift('requesterId');
      if (forbidden.length)
        throw new ForbiddenError('customer_field_forbidden', `Customers cannot set: ${forbidden.join(', ')}`);
    }
    const input: NewTicketInput = {
      subject: dto.subject,
      description: dto.description,
      priority: dto.priority,
      channel: dto.channel ?? TicketChannel.WEB,
      requesterId: dto.requesterId ?? user.id,
      assigneeId: dto.assigneeId,
      workflowId: dto.workflowId,
      tags: dto.tags,
      teamId: dto.teamId,
    };
    if (dto.teamId) await this.placement.assertTeamInTx(this.prisma, dto.teamId); // teams (#23)
    // The view is built from the rows the transaction loaded anyway: no re-read after the commit.
    const { view } = await this.prisma.$transaction(
      (tx) => this.createWithViewInTx(tx, input, actor),
      TICKET_TX_OPTIONS,
    );
    return view;
  }

  async update(user: AuthUser, id: string, dto: UpdateTicketInput): Promise<Ticket> {
    const actor: Actor = { id: user.id, role: user.role };
    return ticketWriteTx(this.prisma, id, async (tx) => {
      const before = await lockTicketOrThrow(tx, id);
      this.access.assertVisible(user, before);
      assertNotDeleted(before);
      const { version, ...patch } = dto;
      if (user.role === UserRole.CUSTOMER) {
        const forbidden = Object.keys(dto).filter((k) => !CUSTOMER_PATCHABLE.has(k));
        if (forbidden.length)
          throw new ForbiddenError('customer_field_forbidden', `Customers cannot change: ${forbidden.join(', ')}`);
        if (patch.status && !customerMayChangeStatus(before.status, patch.status)) {
          throw new ForbiddenError(
            'customer_status_forbidden',
            `Customers can only close their ticket or reopen it; ${before.status} → ${patch.status} is not allowed`,
          );
        }
      }
      return this.updateLockedInTx(tx, before, patch, actor, {
        expectedVersion: version,
        enforceTransitions: isStaffRole(user.role),
      });
    });
  }

  // ─────────────────────────────── in-transaction building blocks ───────────────────────────────

  /** Creates the ticket in the caller's transaction: default workflow/initial stage, HistoryLog, TicketCreated event, SLA metrics. */
  async createInTx(tx: Tx, input: NewTicketInput, actor: Actor | null): Promise<Ticket> {
    return (await this.createWithViewInTx(tx, input, actor)).ticket;
  }

  /** createInTx, also returning the ticket as GET /tickets/:id shows it (TicketView). */
  private async createWithViewInTx(
    tx: Tx,
    input: NewTicketInput,
    actor: Actor | null,
  ): Promise<{ ticket: Ticket; view: TicketView }> {
    const requester = await tx.user.findFirst({
      where: { id: input.requesterId, deletedAt: null, ...(input.systemRequester ? {} : { isActive: true }) },
      select: { ...USER_SUMMARY, email: true },
    });
    if (!requester) throw fieldError('requesterId', 'requesterId must be an existing, active user');
    if (input.assigneeId) await this.assertAssignable(tx, input.assigneeId);

    const workflow = input.workflowId
      ? await tx.workflow.findUnique({ where: { id: input.workflowId }, include: { stages: true } })
      : await this.defaultWorkflow.get(tx);
    if (input.workflowId && !workflow) throw fieldError('workflowId', 'Workflow not found');
    const stage = workflow ? initialStage(workflow.stages) : null;
    const status = stage?.status ?? TicketStatus.OPEN;
    const now = this.now();
    // ── teams (#23): routing rules and auto-assignment, for every channel ──
    const placed = await this.placement.placeInTx(
      tx,
      {
        channel: input.channel ?? TicketChannel.WEB,
        emailAccountId: input.emailAccountId,
        formId: input.formId,
        priority: input.priority ?? 'NORMAL',
        tags: input.tags ?? [],
        requesterEmail: input.contactEmail ?? requester.email,
        subject: input.subject,
        description: input.description,
        teamId: input.teamId,
        assigneeId: input.assigneeId,
      },
      now,
    );

    const timestamps = status === TicketStatus.OPEN ? null : statusTimestamps(status, now);
    const ticket = await insertTicketRows(tx, {
      subject: input.subject,
      description: input.description,
      status,
      priority: placed.priority,
      channel: input.channel ?? TicketChannel.WEB,
      requesterId: requester.id,
      assigneeId: placed.assigneeId,
      teamId: placed.teamId,
      workflowId: workflow?.id ?? null,
      stageId: stage?.id ?? null,
      tags: placed.tags,
      formId: input.formId ?? null,
      resolvedAt: timestamps?.resolvedAt ?? null,
      closedAt: timestamps?.closedAt ?? null,
      now,
      actorId: actor?.id ?? null,
      // teams (#23): which routing rule fired, and the auto-assignment.
      routingHistory: placed.history,
      routingRuleId: placed.ruleId,
    });
    await this.sla.onTicketCreated(tx, ticket);
    const assignee = ticket.assigneeId
      ? await tx.user.findUniqueOrThrow({ where: { id: ticket.assigneeId }, select: USER_SUMMARY })
      : null;
    const view: TicketView = {
      ...ticket,
      requester: { id: requester.id, name: requester.name, role: requester.role },
      assignee,
      stage: stage ? { id: stage.id, name: stage.name, position: stage.position } : null,
    };
    return { ticket, view };
  }

  /**
   * Applies `patch` to a ticket the caller has locked (lockTicket) in `tx`: workflow/stage rules, status
   * timestamps, version bump, HistoryLog per field, events, SLA hooks. No change → no write.
   */
  async updateLockedInTx(
    tx: Tx,
    before: Ticket,
    patch: TicketPatch,
    actor: Actor | null,
    opts: UpdateOptions,
  ): Promise<Ticket> {
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== before.version) {
      throw new ConflictError(
        'ticket_version_stale',
        `Ticket #${before.number} was changed by someone else (current version ${before.version}, you sent ${opts.expectedVersion}); reload it and try again`,
      );
    }
    const now = this.now();
    const changes: FieldChange[] = [];
    const data: Prisma.TicketUncheckedUpdateInput = {};
    const set = <K extends FieldChange['field']>(field: K, from: unknown, to: unknown) => {
      if (to === undefined || sameValue(from, to)) return;
      changes.push({ field, from, to });
      (data as Record<string, unknown>)[field] = to;
    };

    set('subject', before.subject, patch.subject);
    set('description', before.description, patch.description);
    // The e-mail's HTML no longer shows what the description says once it is edited.
    if ('description' in data) data.descriptionHtml = null;
    set('priority', before.priority, patch.priority);
    if (patch.tags !== undefined) set('tags', before.tags, normalizeTags(patch.tags));
    if (patch.requesterId !== undefined && patch.requesterId !== before.requesterId) {
      const requester = await tx.user.findFirst({ where: { id: patch.requesterId, deletedAt: null, isActive: true } });
      if (!requester) throw fieldError('requesterId', 'requesterId must be an existing, active user');
      set('requesterId', before.requesterId, patch.requesterId);
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId) {
      if (patch.assigneeId !== null) await this.assertAssignable(tx, patch.assigneeId);
      set('assigneeId', before.assigneeId, patch.assigneeId);
    }
    // teams (#23): moving the ticket to another team's queue.
    if (patch.teamId !== undefined && patch.teamId !== before.teamId) {
      if (patch.teamId !== null) await this.placement.assertTeamInTx(tx, patch.teamId);
      set('teamId', before.teamId, patch.teamId);
    }

    const placement = await this.resolvePlacement(tx, before, patch, opts.enforceTransitions);
    set('workflowId', before.workflowId, placement.workflowId);
    set('stageId', before.stageId, placement.stageId);
    set('status', before.status, placement.status);
    if (placement.status !== before.status) Object.assign(data, statusTimestamps(placement.status, now, before));

    if (changes.length === 0) return before;
    data.version = { increment: 1 };
    data.updatedAt = now;
    const after = await tx.ticket.update({ where: { id: before.id }, data });

    const actorId = actor?.id ?? null;
    await tx.historyLog.createMany({
      data: changes.map((c) => ({
        ticketId: before.id,
        actorId,
        action: 'updated',
        field: c.field,
        oldValue: historyValue(c.from),
        newValue: historyValue(c.to),
        createdAt: now,
      })),
    });
    await this.events.appendMany(tx, this.updateEvents(after, changes, actorId));
    await this.sla.onTicketChanged(tx, before, after);
    // The old requester (a customer) loses the ticket: they stop watching it before the fan-out (event consumer).
    if (changes.some((c) => c.field === 'requesterId')) {
      await removeWatchersWithoutAccess(tx, this.events, after, actorId, now);
    }
    return after;
  }

  /** Throws a field-level 400 unless `userId` is an active agent or admin; returns their summary. */
  async assertAssignable(tx: Tx, userId: string): Promise<{ id: string; name: string; role: UserRole }> {
    const user = await tx.user.findFirst({
      where: { id: userId, deletedAt: null },
      select: { ...USER_SUMMARY, isActive: true },
    });
    if (!user || !user.isActive || !isStaffRole(user.role)) {
      throw fieldError('assigneeId', 'assigneeId must be an active agent or admin');
    }
    return { id: user.id, name: user.name, role: user.role };
  }

  // ─────────────────────────────── helpers ───────────────────────────────

  /** Target workflow, stage and status of an update, enforcing the workflow's transitions when asked. */
  private async resolvePlacement(
    tx: Tx,
    before: Ticket,
    patch: TicketPatch,
    enforce: boolean,
  ): Promise<{ workflowId: string | null; stageId: string | null; status: TicketStatus }> {
    let workflowId = before.workflowId;
    const current = before.stageId ? await tx.stage.findUnique({ where: { id: before.stageId } }) : null;
    let target: Stage | null = current;
    let moved = false;

    if (patch.workflowId !== undefined && patch.workflowId !== before.workflowId) {
      // Changing workflow: the given stage of the new workflow, else its initial stage.
      moved = true;
      if (patch.workflowId === null) {
        if (patch.stageId) throw fieldError('stageId', 'stageId must be null when workflowId is null');
        workflowId = null;
        target = null;
      } else {
        const wf = await tx.workflow.findUnique({ where: { id: patch.workflowId }, include: { stages: true } });
        if (!wf) throw fieldError('workflowId', 'Workflow not found');
        workflowId = wf.id;
        if (patch.stageId) {
          target = wf.stages.find((s) => s.id === patch.stageId) ?? null;
          if (!target) throw fieldError('stageId', `Stage does not belong to workflow "${wf.name}"`);
        } else target = initialStage(wf.stages);
      }
    } else if (patch.stageId !== undefined && patch.stageId !== before.stageId) {
      moved = true;
      if (patch.stageId === null) throw fieldError('stageId', 'stageId cannot be cleared; move the ticket to a stage');
      const next = await tx.stage.findUnique({ where: { id: patch.stageId }, include: { workflow: true } });
      if (!next) throw fieldError('stageId', 'Stage not found');
      if (workflowId && next.workflowId !== workflowId) {
        throw fieldError('stageId', `Stage "${next.name}" does not belong to the ticket's workflow`);
      }
      if (enforce && !stageTransitionAllowed(current, next.id)) {
        throw new ConflictError(
          'stage_transition_not_allowed',
          `Workflow "${next.workflow.name}" does not allow moving a ticket from stage "${current?.name}" to stage "${next.name}"`,
        );
      }
      workflowId = next.workflowId;
      target = next;
    }

    let status = before.status;
    if (moved && target?.status) {
      if (patch.status && patch.status !== target.status) {
        throw fieldError('status', `Stage "${target.name}" sets status ${target.status}; omit status or send it`);
      }
      status = target.status;
    } else if (patch.status !== undefined && patch.status !== before.status) {
      status = patch.status;
      if (!moved && current && workflowId) {
        // The stage follows the status when the current stage pins another one.
        const stages = await tx.stage.findMany({ where: { workflowId }, include: { workflow: true } });
        const follow = stageFollowingStatus(stages, stages.find((s) => s.id === current.id) ?? null, status);
        if (follow && follow.id !== current.id) {
          if (enforce && !stageTransitionAllowed(current, follow.id)) {
            throw new ConflictError(
              'stage_transition_not_allowed',
              `Status ${status} means stage "${follow.name}", and workflow "${follow.workflow.name}" does not allow moving a ticket from stage "${current.name}" to stage "${follow.name}"`,
            );
          }
          target = follow;
        }
      }
    }
    return { workflowId, stageId: target?.id ?? null, status };
  }

  private updateEvents(after: Ticket, changes: FieldChange[], actorId: string | null): DomainEvent[] {
    const base = { aggregateType: 'Ticket', aggregateId: after.id, actorId };
    const changed: Record<string, unknown> = {};
    for (const c of changes) {
      // Free text stays out of the log: consumers see that it changed, not what it says.
      changed[c.field] = c.field === 'description' || c.field === 'subject' ? true : { from: c.from, to: c.to };
    }
    const events: DomainEvent[] = [
      {
        ...base,
        type: 'TicketUpdated',
        payload: { version: after.version, fields: changes.map((c) => c.field), changed },
      },
    ];
    const find = (f: FieldChange['field']) => changes.find((c) => c.field === f);
    const status = find('status');
    // version and assigneeId: what the notification fan-out needs (notifyTicketEvents).
    if (status) {
      events.push({
        ...base,
        type: 'StatusChanged',
        payload: { from: status.from, to: status.to, version: after.version, assigneeId: after.assigneeId },
      });
    }
    const team = find('teamId');
    if (team) events.push({ ...base, type: 'TicketTeamChanged', payload: { from: team.from, to: team.to } });
    const assignee = find('assigneeId');
    if (assignee) {
      events.push({
        ...base,
        type: 'TicketAssigned',
        payload: { from: assignee.from, to: assignee.to, version: after.version },
      });
    }
    const stage = find('stageId');
    if (stage) {
      events.push({
        ...base,
        type: 'StageChanged',
        payload: { from: stage.from, to: stage.to, workflowId: after.workflowId },
      });
    }
    return events;
  }
}
