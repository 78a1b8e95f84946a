import { Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, UserRole, type SlaBreach, type SlaMetric } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { pageArgs, paginated, type Paginated } from '../common/pagination.js';
import { ValidationFailedException } from '../common/validation.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { OPEN_STATUSES_LIST, TicketAccessService } from '@nixflow/domain';
import type {
  ListSlaBreachesQueryDto,
  ListSlaMetricsQueryDto,
  SlaDashboardDto,
  SlaDashboardQueryDto,
  SlaDashboardRowDto,
  SlaDurationStatsDto,
  SlaMetricDto,
  SlaMetricListItemDto,
} from './dto/sla-query.dto.js';

// Columns are UTC `timestamp without time zone`: pass instants as ISO strings cast to timestamp(3)
// (same convention as the worker's sweep), so the session TimeZone never shifts them.
const ts = (at: Date): Prisma.Sql => Prisma.sql`${at.toISOString()}::timestamp(3)`;

/** What a customer may see of a metric: no policy internals. */
function publicMetric(m: SlaMetric): SlaMetricDto {
  return {
    id: m.id,
    ticketId: m.ticketId,
    type: m.type,
    cycle: m.cycle,
    targetMinutes: m.targetMinutes,
    status: m.status,
    startedAt: m.startedAt,
    dueAt: m.dueAt,
    warningAt: m.warningAt,
    pausedAt: m.pausedAt,
    completedAt: m.completedAt,
    breachedAt: m.breachedAt,
  };
}

const staffMetric = (m: SlaMetric): SlaMetricDto => ({
  ...publicMetric(m),
  policyId: m.policyId,
  policyVersion: m.policyVersion,
  pausedBusinessSeconds: m.pausedBusinessSeconds,
});

interface DashboardSqlRow {
  policyId: string;
  policyName: string;
  type: SlaDashboardRowDto['type'];
  total: number;
  met: number;
  breached: number;
  active: number;
  atRisk: number;
  paused: number;
  openBreached: number;
}

@Injectable()
export class SlaReportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: TicketAccessService,
  ) {}

  async listMetrics(q: ListSlaMetricsQueryDto): Promise<Paginated<SlaMetricListItemDto>> {
    const where: Prisma.SlaMetricWhereInput = {};
    if (q.ticketId) where.ticketId = q.ticketId;
    if (q.status) where.status = q.status;
    if (q.type) where.type = q.type;
    if (q.policyId) where.policyId = q.policyId;
    if (q.dueBefore) where.dueAt = { lt: q.dueBefore };
    if (q.assigneeId) where.ticket = { assigneeId: q.assigneeId };
    const orderBy: Prisma.SlaMetricOrderByWithRelationInput[] =
      q.sort === 'dueAt'
        ? // Soonest deadline first: served by the (status, dueAt) index when filtered by status.
          [{ dueAt: 'asc' }, { id: 'asc' }]
        : [{ startedAt: 'desc' }, { type: 'asc' }, { cycle: 'asc' }, { id: 'asc' }];
    const [items, total] = await this.prisma.$transaction([
      this.prisma.slaMetric.findMany({
        where,
        orderBy,
        include: { ticket: { select: { number: true, subject: true, priority: true, assigneeId: true } } },
        ...pageArgs(q),
      }),
      this.prisma.slaMetric.count({ where }),
    ]);
    const rows = items.map(({ ticket, ...m }) => ({
      ...staffMetric(m),
      ticketNumber: ticket.number,
      ticketSubject: ticket.subject,
      ticketPriority: ticket.priority,
      assigneeId: ticket.assigneeId,
    }));
    return paginated(rows, total, q.page, q.pageSize);
  }

  /** Staff: any ticket, full metrics. Customers: only their own ticket, without policy internals (else 404). */
  async ticketMetrics(ticketId: string, user: AuthUser): Promise<SlaMetricDto[]> {
    await this.access.findVisibleOrThrow(user, ticketId);
    const rows = await this.prisma.slaMetric.findMany({
      where: { ticketId },
      orderBy: [{ startedAt: 'asc' }, { type: 'asc' }, { cycle: 'asc' }],
    });
    return rows.map(user.role === UserRole.CUSTOMER ? publicMetric : staffMetric);
  }

  async listBreaches(
    q: ListSlaBreachesQueryDto,
  ): Promise<Paginated<SlaBreach & { ticketNumber: number; ticketSubject: string }>> {
    const where: Prisma.SlaBreachWhereInput = {};
    if (q.policyId) where.policyId = q.policyId;
    if (q.type) where.type = q.type;
    if (q.ticketId) where.ticketId = q.ticketId;
    if (q.acknowledged !== undefined) where.acknowledgedAt = q.acknowledged ? { not: null } : null;
    if (q.from || q.to) {
      where.breachedAt = { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) };
    }
    const [items, total] = await this.prisma.$transaction([
      this.prisma.slaBreach.findMany({
        where,
        orderBy: [{ breachedAt: 'desc' }, { id: 'asc' }],
        include: { ticket: { select: { number: true, subject: true } } },
        ...pageArgs(q),
      }),
      this.prisma.slaBreach.count({ where }),
    ]);
    const rows = items.map(({ ticket, ...b }) => ({
      ...b,
      ticketNumber: ticket.number,
      ticketSubject: ticket.subject,
    }));
    return paginated(rows, total, q.page, q.pageSize);
  }

  /** Idempotent: the first acknowledgement wins; later calls return the breach unchanged. */
  async acknowledge(id: string, user: AuthUser): Promise<SlaBreach> {
    await this.prisma.slaBreach.updateMany({
      where: { id, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedById: user.id },
    });
    const breach = await this.prisma.slaBreach.findUnique({ where: { id } });
    if (!breach) throw new NotFoundException('SLA breach not found');
    return breach;
  }

  /**
   * Per policy and type: totals/compliance over metrics started in [from, to) that ended MET or BREACHED
   * (CANCELLED ones do not count); active/atRisk/paused/openBreached are current counts (any start time).
   * Median / p90 durations are wall-clock (completedAt − startedAt) of completed metrics started in the window.
   */
  async dashboard(q: SlaDashboardQueryDto): Promise<SlaDashboardDto> {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 30 * 86_400_000);
    if (from.getTime() >= to.getTime()) {
      throw new ValidationFailedException([{ field: 'from', messages: ['from must be before to'] }]);
    }
    const inWindow = Prisma.sql`(m."startedAt" >= ${ts(from)} AND m."startedAt" < ${ts(to)})`;
    const rows = await this.prisma.$queryRaw<DashboardSqlRow[]>(Prisma.sql`
      SELECT p."id" AS "policyId", p."name" AS "policyName", m."type"::text AS "type",
        count(*) FILTER (WHERE ${inWindow} AND m."status" IN ('MET', 'BREACHED'))::int AS "total",
        count(*) FILTER (WHERE ${inWindow} AND m."status" = 'MET')::int AS "met",
        count(*) FILTER (WHERE ${inWindow} AND m."status" = 'BREACHED')::int AS "breached",
        count(*) FILTER (WHERE m."status" = 'ACTIVE')::int AS "active",
        count(*) FILTER (WHERE m."status" = 'AT_RISK')::int AS "atRisk",
        count(*) FILTER (WHERE m."status" = 'PAUSED')::int AS "paused",
        count(*) FILTER (WHERE m."status" = 'BREACHED' AND m."completedAt" IS NULL)::int AS "openBreached"
      FROM "SLAMetric" m
      JOIN "SLAPolicy" p ON p."id" = m."policyId"
      WHERE ${inWindow}
         OR m."status" IN (${OPEN_STATUSES_LIST})
         OR (m."status" = 'BREACHED' AND m."completedAt" IS NULL)
      GROUP BY p."id", p."name", m."type"
      ORDER BY p."name", m."type"`);
    const stats = await this.prisma.$queryRaw<
      Array<{ type: string; count: number; median: number | null; p90: number | null }>
    >(
      Prisma.sql`
      SELECT m."type"::text AS "type", count(*)::int AS "count",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (m."completedAt" - m."startedAt")))::float8 AS "median",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (m."completedAt" - m."startedAt")))::float8 AS "p90"
      FROM "SLAMetric" m
      WHERE ${inWindow} AND m."completedAt" IS NOT NULL AND m."status" IN ('MET', 'BREACHED')
        AND m."type" IN ('FIRST_RESPONSE', 'RESOLUTION')
      GROUP BY m."type"`,
    );
    const stat = (type: string): SlaDurationStatsDto => {
      const s = stats.find((r) => r.type === type);
      const r3 = (v: number | null | undefined) => (v == null ? null : Math.round(v * 1000) / 1000);
      return { count: s?.count ?? 0, medianSeconds: r3(s?.median), p90Seconds: r3(s?.p90) };
    };
    const compliance = (met: number, breached: number) =>
      met + breached > 0 ? Math.round((met / (met + breached)) * 10_000) / 100 : null;
    const sum = (key: keyof DashboardSqlRow) => rows.reduce((n, r) => n + (r[key] as number), 0);
    const totals = {
      total: sum('total'),
      met: sum('met'),
      breached: sum('breached'),
      active: sum('active'),
      atRisk: sum('atRisk'),
      paused: sum('paused'),
      openBreached: sum('openBreached'),
    };
    return {
      from,
      to,
      rows: rows.map((r) => ({ ...r, compliancePercent: compliance(r.met, r.breached) })),
      totals: { ...totals, compliancePercent: compliance(totals.met, totals.breached) },
      firstResponse: stat('FIRST_RESPONSE'),
      resolution: stat('RESOLUTION'),
    };
  }
}
