import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEnum, IsIn, IsUUID } from 'class-validator';
import { SLABreachType, SLAStatus, TicketPriority } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';
import { IsOptionalNotNull } from '../../common/nullability.js';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const SLA_METRIC_SORTS = ['startedAt', 'dueAt'] as const;
export type SlaMetricSort = (typeof SLA_METRIC_SORTS)[number];

export class ListSlaMetricsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  ticketId?: string;

  @ApiPropertyOptional({ enum: SLAStatus, enumName: 'SLAStatus' })
  @IsOptionalNotNull()
  @IsEnum(SLAStatus)
  status?: SLAStatus;

  @ApiPropertyOptional({ enum: SLABreachType, enumName: 'SLABreachType' })
  @IsOptionalNotNull()
  @IsEnum(SLABreachType)
  type?: SLABreachType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  policyId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The ticket's assignee" })
  @IsOptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'dueAt < dueBefore (the "about to breach" queue)' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  dueBefore?: Date;

  @ApiPropertyOptional({
    enum: SLA_METRIC_SORTS,
    default: 'startedAt',
    description: 'dueAt: soonest deadline first; startedAt: newest first',
  })
  @IsOptionalNotNull()
  @IsIn(SLA_METRIC_SORTS)
  sort?: SlaMetricSort;
}

export class ListSlaBreachesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  policyId?: string;

  @ApiPropertyOptional({ enum: SLABreachType, enumName: 'SLABreachType' })
  @IsOptionalNotNull()
  @IsEnum(SLABreachType)
  type?: SLABreachType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  ticketId?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @Transform(bool)
  @IsBoolean()
  acknowledged?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'breachedAt >= from' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'breachedAt < to' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class SlaDashboardQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'metrics started at or after (default: 30 days ago)' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'metrics started before (default: now)' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class SlaMetricDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) policyId?: string;
  @ApiPropertyOptional() policyVersion?: number;
  @ApiProperty({ enum: SLABreachType, enumName: 'SLABreachType' }) type!: SLABreachType;
  @ApiProperty() cycle!: number;
  @ApiProperty() targetMinutes!: number;
  @ApiProperty({ enum: SLAStatus, enumName: 'SLAStatus' }) status!: SLAStatus;
  @ApiProperty() startedAt!: Date;
  @ApiProperty() dueAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) warningAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) pausedAt!: Date | null;
  @ApiPropertyOptional() pausedBusinessSeconds?: number;
  @ApiProperty({ type: Date, nullable: true }) completedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) breachedAt!: Date | null;
}

/** A metric with what an agent needs to triage it (GET /sla/metrics). */
export class SlaMetricListItemDto extends SlaMetricDto {
  @ApiProperty({ type: 'integer' }) ticketNumber!: number;
  @ApiProperty() ticketSubject!: string;
  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority' }) ticketPriority!: TicketPriority;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
}

export class SlaBreachDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ format: 'uuid' }) metricId!: string;
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty({ enum: SLABreachType, enumName: 'SLABreachType' }) type!: SLABreachType;
  @ApiProperty() dueAt!: Date;
  @ApiProperty() breachedAt!: Date;
  @ApiProperty() detectedAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) notifiedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) acknowledgedById!: string | null;
  @ApiProperty({ type: Date, nullable: true }) acknowledgedAt!: Date | null;
  @ApiPropertyOptional({ type: 'integer', description: 'In lists' }) ticketNumber?: number;
  @ApiPropertyOptional({ description: 'In lists' }) ticketSubject?: string;
}

export class SlaDurationStatsDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds (wall time)' }) medianSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds (wall time)' }) p90Seconds!: number | null;
}

export class SlaDashboardRowDto {
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty() policyName!: string;
  @ApiProperty({ enum: SLABreachType, enumName: 'SLABreachType' }) type!: SLABreachType;
  @ApiProperty({ type: 'integer', description: 'metrics that ended MET or BREACHED, or are open and already breached' })
  total!: number;
  @ApiProperty() met!: number;
  @ApiProperty() breached!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'met / (met + breached) × 100' })
  compliancePercent!: number | null;
  @ApiProperty() active!: number;
  @ApiProperty() atRisk!: number;
  @ApiProperty() paused!: number;
  @ApiProperty({ description: 'BREACHED metrics not yet completed (still waiting)' }) openBreached!: number;
}

export class SlaDashboardTotalsDto {
  @ApiProperty({ type: 'integer', description: 'metrics started in the window that ended MET or BREACHED' })
  total!: number;
  @ApiProperty() met!: number;
  @ApiProperty() breached!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'met / (met + breached) × 100' })
  compliancePercent!: number | null;
  @ApiProperty({ type: 'integer', description: 'open now' }) active!: number;
  @ApiProperty({ type: 'integer', description: 'open now, past the warning threshold' }) atRisk!: number;
  @ApiProperty({ type: 'integer', description: 'open now, clock paused' }) paused!: number;
  @ApiProperty({ description: 'BREACHED metrics not yet completed (still waiting)' }) openBreached!: number;
}

export class SlaDashboardDto {
  @ApiProperty() from!: Date;
  @ApiProperty() to!: Date;
  @ApiProperty({ type: [SlaDashboardRowDto] }) rows!: SlaDashboardRowDto[];
  @ApiProperty({ type: SlaDashboardTotalsDto, description: 'all policies together' }) totals!: SlaDashboardTotalsDto;
  @ApiProperty({ type: SlaDurationStatsDto }) firstResponse!: SlaDurationStatsDto;
  @ApiProperty({ type: SlaDurationStatsDto }) resolution!: SlaDurationStatsDto;
}
