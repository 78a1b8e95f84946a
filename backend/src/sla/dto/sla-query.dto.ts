import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEnum, IsUUID } from 'class-validator';
import { SLABreachType, SLAStatus } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';
import { IsOptionalNotNull } from '../../common/nullability.js';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

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

export class SlaMetricPageDto {
  @ApiProperty({ type: [SlaMetricDto] }) items!: SlaMetricDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
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
}

export class SlaBreachPageDto {
  @ApiProperty({ type: [SlaBreachDto] }) items!: SlaBreachDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
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
