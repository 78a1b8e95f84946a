import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { SLABreachType, SLAStatus, TicketChannel, TicketPriority, TicketStatus } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';
import { Nullable, IsOptionalNotNull, UpdateType } from '../../common/nullability.js';

/** Cost bound of POST /sla/policies/preview: open tickets examined per call. */
export const PREVIEW_DEFAULT_EXAMINED = 2000;
export const PREVIEW_MAX_EXAMINED = 10_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SlaConditionsDto {
  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @IsEnum(TicketPriority, { each: true })
  priorities?: TicketPriority[];

  @ApiPropertyOptional({ enum: TicketChannel, enumName: 'TicketChannel', isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @IsEnum(TicketChannel, { each: true })
  channels?: TicketChannel[];

  @ApiPropertyOptional({ type: [String], description: 'Matches when the ticket has any of these tags' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @IsUUID('all', { each: true })
  workflowIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @IsUUID('all', { each: true })
  formIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: "The ticket's team is one of these" })
  @IsOptionalNotNull()
  @IsArray()
  @IsUUID('all', { each: true })
  teamIds?: string[];
}

/** Minutes of business time per priority; each must be a positive integer. */
export class SlaPriorityTargetsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'minutes' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  LOW?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'minutes' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  NORMAL?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'minutes' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  HIGH?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'minutes' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  URGENT?: number;
}

export class SlaTargetsDto {
  @ApiPropertyOptional({ type: SlaPriorityTargetsDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaPriorityTargetsDto)
  FIRST_RESPONSE?: SlaPriorityTargetsDto;

  @ApiPropertyOptional({ type: SlaPriorityTargetsDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaPriorityTargetsDto)
  NEXT_RESPONSE?: SlaPriorityTargetsDto;

  @ApiPropertyOptional({ type: SlaPriorityTargetsDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaPriorityTargetsDto)
  RESOLUTION?: SlaPriorityTargetsDto;
}

export class BusinessIntervalDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 6, description: '0 = Sunday' })
  @IsInt()
  @Min(0)
  @Max(6)
  day!: number;

  @ApiProperty({ example: '09:00' })
  @IsString()
  start!: string;

  @ApiProperty({ example: '17:00', description: "'HH:MM' or '24:00'; end <= start crosses midnight" })
  @IsString()
  end!: string;
}

export class HolidayDto {
  @ApiProperty({ example: '2026-12-25', description: 'Local date in the calendar time zone' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date!: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class SlaCalendarDto {
  @ApiProperty({ example: 'Europe/Berlin' })
  @IsString()
  @IsNotEmpty()
  timezone!: string;

  @ApiPropertyOptional({ type: [BusinessIntervalDto], nullable: true, description: 'null or absent = 24/7' })
  @Nullable()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => BusinessIntervalDto)
  businessHours?: BusinessIntervalDto[] | null;

  @ApiPropertyOptional({ type: [HolidayDto], default: [] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => HolidayDto)
  holidays?: HolidayDto[];
}

export class CreateSlaPolicyDto {
  @ApiProperty({ example: 'Standard' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ type: 'integer', default: 0, description: 'Evaluation order (lowest first)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position?: number;

  @ApiPropertyOptional({ type: SlaConditionsDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaConditionsDto)
  conditions?: SlaConditionsDto;

  @ApiPropertyOptional({
    type: SlaTargetsDto,
    description: 'At least one target (minutes) is required unless noSla is true; then it must be empty',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => SlaTargetsDto)
  targets?: SlaTargetsDto;

  @ApiPropertyOptional({
    default: false,
    description: 'An explicit "no SLA" policy: matching tickets get no SLA clocks (targets must be empty)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  noSla?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      "SLA mails to agents wait for the calendar's next business minute (breaches are still recorded when they happen)",
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  notifyDuringBusinessHoursOnly?: boolean;

  @ApiPropertyOptional({ type: SlaCalendarDto, description: 'Defaults to UTC, 24/7, no holidays' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaCalendarDto)
  calendar?: SlaCalendarDto;

  @ApiPropertyOptional({
    enum: TicketStatus,
    enumName: 'TicketStatus',
    isArray: true,
    default: [TicketStatus.PENDING_CUSTOMER, TicketStatus.ON_HOLD],
  })
  @IsOptionalNotNull()
  @IsArray()
  @IsEnum(TicketStatus, { each: true })
  pauseStatuses?: TicketStatus[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 99, default: 80 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(99)
  warningThresholdPercent?: number;
}

export class UpdateSlaPolicyDto extends UpdateType(CreateSlaPolicyDto) {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Optimistic concurrency: the version you read (stale → 409)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(1)
  version?: number;
}

/** A policy body to preview: a new policy, or (with policyId) a change to an existing one. */
export class SlaPolicyPreviewDto extends UpdateType(CreateSlaPolicyDto) {
  @ApiPropertyOptional({ format: 'uuid', description: 'The policy this body changes; absent: a new policy' })
  @ValidateIf((_, v) => v !== undefined)
  @IsUUID()
  policyId?: string;
}

export class SlaPolicyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty() position!: number;
  @ApiProperty({ type: SlaConditionsDto }) conditions!: SlaConditionsDto;
  @ApiProperty({ type: SlaTargetsDto }) targets!: SlaTargetsDto;
  @ApiProperty({ type: SlaCalendarDto }) calendar!: SlaCalendarDto;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', isArray: true }) pauseStatuses!: TicketStatus[];
  @ApiProperty({ type: 'integer' }) warningThresholdPercent!: number;
  @ApiProperty() noSla!: boolean;
  @ApiProperty() notifyDuringBusinessHoursOnly!: boolean;
  @ApiProperty({ type: 'integer', description: 'Send it back in PATCH for optimistic concurrency' }) version!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class SlaPolicyPreviewQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: PREVIEW_MAX_EXAMINED,
    default: PREVIEW_DEFAULT_EXAMINED,
    description: 'How many open tickets (newest first) to examine at most',
  })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PREVIEW_MAX_EXAMINED)
  limit: number = PREVIEW_DEFAULT_EXAMINED;
}

export class SlaPreviewMetricDto {
  @ApiProperty({ format: 'uuid' }) metricId!: string;
  @ApiProperty({ enum: SLABreachType, enumName: 'SLABreachType' }) type!: SLABreachType;
  @ApiProperty({ type: 'integer' }) cycle!: number;
  @ApiProperty({ enum: SLAStatus, enumName: 'SLAStatus' }) status!: SLAStatus;
  @ApiProperty({ type: String, format: 'date-time' }) currentDueAt!: Date;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null: the metric would be cancelled',
  })
  newDueAt!: Date | null;
  @ApiProperty({ description: 'The new deadline has already passed: the next sweep would breach it' })
  breachedAtOnce!: boolean;
}

export class SlaPreviewTicketDto {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ type: 'integer' }) number!: number;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority' }) priority!: TicketPriority;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus' }) status!: TicketStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Policy of its open clocks today' })
  currentPolicyId!: string | null;
  @ApiProperty({ description: 'No open clock today: the policy would start its clocks' }) wouldStartClocks!: boolean;
  @ApiProperty({ type: [SlaPreviewMetricDto] }) metrics!: SlaPreviewMetricDto[];
}

export class SlaPolicyPreviewDtoResult {
  @ApiProperty({ type: 'integer', description: 'Open tickets examined (newest first, at most `limit`)' })
  examined!: number;
  @ApiProperty({ description: 'More open tickets exist than were examined' }) truncated!: boolean;
  @ApiProperty({ type: 'integer', description: 'Examined tickets the policy would govern' }) governed!: number;
  @ApiProperty({ type: 'integer', description: 'Governed tickets whose deadlines would move' }) moved!: number;
  @ApiProperty({ type: 'integer', description: 'Governed tickets with at least one metric breached at once' })
  breachedAtOnce!: number;
  @ApiProperty({ type: [SlaPreviewTicketDto], description: 'The governed tickets, paged' })
  items!: SlaPreviewTicketDto[];
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) pageSize!: number;
}
