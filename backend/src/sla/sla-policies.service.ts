import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, type SlaPolicy } from '@nixflow/db/client';
import { OPEN_METRIC_STATUSES, policyHasTargets, validateCalendar, type BusinessCalendar } from '@nixflow/core';
import type { FieldError } from '../common/error-body.js';
import { ValidationFailedException } from '../common/validation.js';
import { EventsService, lockRow, type Tx } from '@nixflow/domain';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateSlaPolicyDto, SlaCalendarDto, SlaPolicyDto, UpdateSlaPolicyDto } from './dto/sla-policy.dto.js';
import { SlaLifecycleService, type PolicySnapshot } from '@nixflow/domain';

/** validateCalendar messages start with a field path ('hours[2].start: …'); map them to DTO paths. */
export function calendarFieldErrors(cal: SlaCalendarDto): FieldError[] {
  const calendar: BusinessCalendar = {
    timezone: cal.timezone,
    hours: (cal.businessHours ?? null) as BusinessCalendar['hours'],
    holidays: (cal.holidays ?? []) as BusinessCalendar['holidays'],
  };
  const grouped = new Map<string, string[]>();
  for (const msg of validateCalendar(calendar)) {
    const idx = msg.indexOf(':');
    const raw = idx > 0 ? msg.slice(0, idx) : 'calendar';
    const field = `calendar.${raw.replace(/^hours/, 'businessHours')}`.replace(/^calendar\.calendar$/, 'calendar');
    const list = grouped.get(field) ?? [];
    list.push(idx > 0 ? msg.slice(idx + 1).trim() : msg);
    grouped.set(field, list);
  }
  return [...grouped].map(([field, messages]) => ({ field, messages }));
}

export function toPolicyDto(p: SlaPolicy): SlaPolicyDto {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    isActive: p.isActive,
    position: p.position,
    conditions: (p.conditions ?? {}) as SlaPolicyDto['conditions'],
    targets: (p.targets ?? {}) as SlaPolicyDto['targets'],
    calendar: {
      timezone: p.timezone,
      businessHours: (p.businessHours ?? null) as unknown as SlaCalendarDto['businessHours'],
      holidays: (p.holidays ?? []) as unknown as SlaCalendarDto['holidays'],
    },
    pauseStatuses: p.pauseStatuses,
    warningThresholdPercent: p.warningThresholdPercent,
    noSla: p.noSla,
    notifyDuringBusinessHoursOnly: p.notifyDuringBusinessHoursOnly,
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/** Appended when a policy stops selecting tickets (deactivated or deleted): the worker re-evaluates its open tickets. */
export const SLA_POLICY_RETIRED = 'SLAPolicyRetired';

/**
 * A policy must start a clock, or say explicitly that it is a "no SLA" policy: an empty one used to match
 * every ticket and silently give it no SLA.
 */
export function targetsFieldErrors(noSla: boolean, targets: unknown): FieldError[] {
  const has = policyHasTargets({ targets, noSla: false });
  if (noSla && has) return [{ field: 'targets', messages: ['targets must be empty when noSla is true'] }];
  if (!noSla && !has) {
    return [
      {
        field: 'targets',
        messages: [
          'targets needs at least one target in minutes (e.g. {"RESOLUTION":{"NORMAL":480}}), or set noSla: true',
        ],
      },
    ];
  }
  return [];
}

/** Open metrics up to which a policy PATCH recomputes synchronously (see update()). */
export const SYNC_RECOMPUTE_LIMIT = 200;

const json = (v: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(v ?? {})) as Prisma.InputJsonValue;

@Injectable()
export class SlaPoliciesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lifecycle: SlaLifecycleService,
    private readonly events: EventsService,
  ) {}

  async list(): Promise<SlaPolicyDto[]> {
    const snapshot = await this.lifecycle.policies.get(this.prisma);
    // The DTOs of one snapshot are built once (a snapshot's rows never change; a new stamp is a new object).
    if (this.listed?.snapshot !== snapshot) this.listed = { snapshot, dtos: snapshot.live.map(toPolicyDto) };
    return this.listed.dtos;
  }

  private listed: { snapshot: PolicySnapshot; dtos: SlaPolicyDto[] } | null = null;

  async get(id: string): Promise<SlaPolicyDto> {
    return toPolicyDto(await this.find(this.prisma, id));
  }

  async create(dto: CreateSlaPolicyDto): Promise<SlaPolicyDto> {
    if (dto.calendar) this.checkCalendar(dto.calendar);
    const targetErrors = targetsFieldErrors(dto.noSla ?? false, dto.targets ?? {});
    if (targetErrors.length) throw new ValidationFailedException(targetErrors);
    const row = await this.prisma.slaPolicy.create({
      data: {
        name: dto.name,
        description: dto.description ?? null,
        isActive: dto.isActive ?? true,
        position: dto.position ?? 0,
        conditions: json(dto.conditions),
        targets: json(dto.targets),
        noSla: dto.noSla ?? false,
        notifyDuringBusinessHoursOnly: dto.notifyDuringBusinessHoursOnly ?? false,
        ...this.calendarData(dto.calendar),
        ...(dto.pauseStatuses ? { pauseStatuses: dto.pauseStatuses } : {}),
        ...(dto.warningThresholdPercent !== undefined ? { warningThresholdPercent: dto.warningThresholdPercent } : {}),
      },
    });
    this.written();
    return toPolicyDto(row);
  }

  /**
   * Bumps `version` and appends an SlaPolicyChanged event in the same transaction. A policy with few
   * open metrics (≤ SYNC_RECOMPUTE_LIMIT) is recomputed right here, so readers see the new deadlines at
   * once; a larger one is left to the worker's event consumer, which recomputes it in bounded chunks
   * instead of holding one long transaction (and the PATCH) open. Either way metrics converge on the
   * new version: the worker only touches metrics still carrying an older one.
   */
  async update(id: string, dto: UpdateSlaPolicyDto, actorId: string | null = null): Promise<SlaPolicyDto> {
    if (dto.calendar) this.checkCalendar(dto.calendar);
    const row = await this.prisma.$transaction(async (tx) => {
      // Locked: two PATCHes with the same version must not both pass the check.
      await lockRow(tx, 'SLAPolicy', id);
      const before = await this.find(tx, id);
      if (dto.version !== undefined && dto.version !== before.version) {
        throw new ConflictException(
          `SLA policy "${before.name}" was changed by someone else (current version ${before.version}, you sent ${dto.version}); reload it and try again`,
        );
      }
      if (dto.targets !== undefined || dto.noSla !== undefined) {
        const errors = targetsFieldErrors(dto.noSla ?? before.noSla, dto.targets ?? before.targets);
        if (errors.length) throw new ValidationFailedException(errors);
      }
      const data: Prisma.SlaPolicyUpdateInput = { version: { increment: 1 } };
      if (dto.noSla !== undefined) data.noSla = dto.noSla;
      if (dto.notifyDuringBusinessHoursOnly !== undefined) {
        data.notifyDuringBusinessHoursOnly = dto.notifyDuringBusinessHoursOnly;
      }
      if (dto.name !== undefined) data.name = dto.name;
      if (dto.description !== undefined) data.description = dto.description;
      if (dto.isActive !== undefined) data.isActive = dto.isActive;
      if (dto.position !== undefined) data.position = dto.position;
      if (dto.conditions !== undefined) data.conditions = json(dto.conditions);
      if (dto.targets !== undefined) data.targets = json(dto.targets);
      if (dto.calendar !== undefined) Object.assign(data, this.calendarData(dto.calendar));
      if (dto.pauseStatuses !== undefined) data.pauseStatuses = dto.pauseStatuses;
      if (dto.warningThresholdPercent !== undefined) data.warningThresholdPercent = dto.warningThresholdPercent;
      const updated = await tx.slaPolicy.update({ where: { id }, data });
      // The worker's event consumer recomputes from this event (see above).
      await this.events.append(tx, {
        type: 'SLAPolicyChanged',
        aggregateType: 'SLAPolicy',
        aggregateId: updated.id,
        actorId,
        payload: { policyId: updated.id, version: updated.version },
      });
      const open = await tx.slaMetric.count({
        where: { policyId: id, status: { in: [...OPEN_METRIC_STATUSES] } },
      });
      if (open <= SYNC_RECOMPUTE_LIMIT) await this.lifecycle.onPolicyChanged(tx, updated);
      if (before.isActive && !updated.isActive) await this.retired(tx, updated, actorId);
      return updated;
    });
    this.written();
    return toPolicyDto(row);
  }

  /**
   * Soft delete: deletedAt + isActive=false, so no new ticket selects it; open metrics keep running on it.
   * The name gets a suffix so that the unique name can be reused by a new policy.
   */
  async remove(id: string, actorId: string | null = null): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const p = await this.find(tx, id);
      const updated = await tx.slaPolicy.update({
        where: { id },
        data: {
          deletedAt: new Date(),
          isActive: false,
          name: `${p.name} [deleted ${p.id}]`,
          version: { increment: 1 },
        },
      });
      await this.retired(tx, updated, actorId);
    });
    this.written();
  }

  /** After a committed policy change: this process's next ticket sees it before the notice comes back. */
  private written(): void {
    this.lifecycle.policies.invalidate();
  }

  /**
   * The worker re-evaluates the open tickets the policy governed (Ticket.slaPolicyId): each gets the policy
   * that now matches (its open clocks retargeted, or started if it had none) or, with none, its clocks cancelled.
   */
  private async retired(tx: Tx, policy: SlaPolicy, actorId: string | null): Promise<void> {
    await this.events.append(tx, {
      type: SLA_POLICY_RETIRED,
      aggregateType: 'SLAPolicy',
      aggregateId: policy.id,
      actorId,
      payload: { policyId: policy.id, version: policy.version },
    });
  }

  private async find(db: Tx, id: string): Promise<SlaPolicy> {
    const p = await db.slaPolicy.findFirst({ where: { id, deletedAt: null } });
    if (!p) throw new NotFoundException('SLA policy not found');
    return p;
  }

  private checkCalendar(cal: SlaCalendarDto): void {
    const errors = calendarFieldErrors(cal);
    if (errors.length) throw new ValidationFailedException(errors);
  }

  private calendarData(cal: SlaCalendarDto | undefined) {
    if (!cal) return {};
    return {
      timezone: cal.timezone,
      businessHours: cal.businessHours ? json(cal.businessHours) : Prisma.DbNull,
      holidays: json(cal.holidays ?? []),
    };
  }
}
