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
  ValidateNested,
} from 'class-validator';
import { TicketChannel, TicketPriority, TicketStatus } from '@nixflow/db/client';
import { Nullable, IsOptionalNotNull, UpdateType } from '../../common/nullability.js';

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
  @ValidateNested()
  @Type(() => SlaPriorityTargetsDto)
  FIRST_RESPONSE?: SlaPriorityTargetsDto;

  @ApiPropertyOptional({ type: SlaPriorityTargetsDto })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => SlaPriorityTargetsDto)
  NEXT_RESPONSE?: SlaPriorityTargetsDto;

  @ApiPropertyOptional({ type: SlaPriorityTargetsDto })
  @IsOptionalNotNull()
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
  @ValidateNested()
  @Type(() => SlaConditionsDto)
  conditions?: SlaConditionsDto;

  @ApiProperty({ type: SlaTargetsDto })
  @ValidateNested()
  @Type(() => SlaTargetsDto)
  targets!: SlaTargetsDto;

  @ApiPropertyOptional({ type: SlaCalendarDto, description: 'Defaults to UTC, 24/7, no holidays' })
  @IsOptionalNotNull()
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

export class UpdateSlaPolicyDto extends UpdateType(CreateSlaPolicyDto) {}

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
  @ApiProperty() warningThresholdPercent!: number;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}
