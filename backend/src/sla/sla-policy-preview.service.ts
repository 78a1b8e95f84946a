import { Injectable, NotFoundException } from '@nestjs/common';
import type { SlaMetric, SlaPolicy, Ticket } from '@nixflow/db/client';
import { DONE_TICKET_STATUSES, OPEN_METRIC_STATUSES, previewTicket } from '@nixflow/core';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type {
  SlaPolicyPreviewDto,
  SlaPolicyPreviewDtoResult,
  SlaPolicyPreviewQueryDto,
  SlaPreviewTicketDto,
} from './dto/sla-policy.dto.js';
import { calendarFieldErrors, targetsFieldErrors } from './sla-policies.service.js';
import { SlaLifecycleService } from '@nixflow/domain';

/**
 * POST /sla/policies/preview: evaluates the newest open tickets (at most `limit`) against the policy list
 * with the candidate applied, and reports, without writing, which it would govern and how their open
 * deadlines would move. Cost: two reads (tickets, their open metrics) and the planner per ticket.
 */
@Injectable()
export class SlaPolicyPreviewService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lifecycle: SlaLifecycleService,
  ) {}

  async preview(dto: SlaPolicyPreviewDto, q: SlaPolicyPreviewQueryDto): Promise<SlaPolicyPreviewDtoResult> {
    const now = this.lifecycle.now();
    const { live } = await this.lifecycle.policies.get(this.prisma);
    const existing = dto.policyId ? live.find((p) => p.id === dto.policyId) : undefined;
    if (dto.policyId && !existing) throw new NotFoundException('SLA policy not found');
    const candidate = this.candidate(dto, existing, now);
    const policiesAfter = [...live.filter((p) => p.id !== candidate.id), candidate];

    const rows = await this.prisma.ticket.findMany({
      where: { deletedAt: null, status: { notIn: [...DONE_TICKET_STATUSES] } },
      orderBy: { number: 'desc' },
      take: q.limit + 1,
    });
    const truncated = rows.length > q.limit;
    const tickets = rows.slice(0, q.limit);
    const metrics = await this.prisma.slaMetric.findMany({
      where: { ticketId: { in: tickets.map((t) => t.id) }, status: { in: [...OPEN_METRIC_STATUSES] } },
    });
    const byTicket = new Map<string, SlaMetric[]>();
    for (const m of metrics) byTicket.set(m.ticketId, [...(byTicket.get(m.ticketId) ?? []), m]);

    const governed: SlaPreviewTicketDto[] = [];
    let moved = 0;
    let breachedAtOnce = 0;
    for (const t of tickets) {
      const r = previewTicket(policiesAfter, candidate, t, byTicket.get(t.id) ?? [], now);
      if (!r) continue;
      if (r.metrics.some((m) => m.newDueAt?.getTime() !== m.currentDueAt.getTime())) moved++;
      if (r.metrics.some((m) => m.breachedAtOnce)) breachedAtOnce++;
      governed.push(toTicketPreview(t, r));
    }
    const start = (q.page - 1) * q.pageSize;
    return {
      examined: tickets.length,
      truncated,
      governed: governed.length,
      moved,
      breachedAtOnce,
      items: governed.slice(start, start + q.pageSize),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** The policy row as it would be saved (validated like create/PATCH), never written. */
  private candidate(dto: SlaPolicyPreviewDto, existing: SlaPolicy | undefined, now: Date): SlaPolicy {
    const errors = dto.calendar ? calendarFieldErrors(dto.calendar) : [];
    const noSla = dto.noSla ?? existing?.noSla ?? false;
    const targets = dto.targets ?? existing?.targets ?? {};
    errors.push(...targetsFieldErrors(noSla, targets));
    if (errors.length) throw new ValidationFailedException(errors);
    const base: SlaPolicy = existing ?? {
      id: '00000000-0000-4000-8000-000000000000',
      name: dto.name ?? 'preview',
      description: null,
      isActive: true,
      position: 0,
      conditions: {},
      targets: {},
      timezone: 'UTC',
      businessHours: null,
      holidays: [],
      pauseStatuses: ['PENDING_CUSTOMER', 'ON_HOLD'],
      warningThresholdPercent: 80,
      version: 0,
      noSla: false,
      notifyDuringBusinessHoursOnly: false,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
    return {
      ...base,
      isActive: dto.isActive ?? base.isActive,
      position: dto.position ?? base.position,
      conditions: dto.conditions !== undefined ? plain(dto.conditions) : base.conditions,
      targets: plain(targets),
      noSla,
      ...(dto.calendar
        ? {
            timezone: dto.calendar.timezone,
            businessHours: dto.calendar.businessHours ? plain(dto.calendar.businessHours) : null,
            holidays: plain(dto.calendar.holidays ?? []),
          }
        : {}),
      pauseStatuses: dto.pauseStatuses ?? base.pauseStatuses,
      warningThresholdPercent: dto.warningThresholdPercent ?? base.warningThresholdPercent,
      // A changed policy recomputes metrics of older versions: the candidate is one newer.
      version: base.version + 1,
    } as SlaPolicy;
  }
}

function toTicketPreview(t: Ticket, r: NonNullable<ReturnType<typeof previewTicket>>): SlaPreviewTicketDto {
  return {
    ticketId: t.id,
    number: t.number,
    subject: t.subject,
    priority: t.priority,
    status: t.status,
    currentPolicyId: r.currentPolicyId,
    wouldStartClocks: r.wouldStartClocks,
    metrics: r.metrics.map((m) => ({ ...m, status: m.status as SlaPreviewTicketDto['metrics'][number]['status'] })),
  };
}
