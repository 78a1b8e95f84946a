import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AssignmentMode, TicketStatus, UserRole } from '@nixflow/db/client';
import { IsOptionalNotNull, Nullable, UpdateType } from '../../common/nullability.js';
import { SlaCalendarDto } from '../../sla/dto/sla-policy.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTeamDto {
  @ApiProperty({ maxLength: 100, example: 'Billing' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({
    enum: AssignmentMode,
    enumName: 'AssignmentMode',
    default: 'NONE',
    description: 'Auto-assignment of new tickets: ROUND_ROBIN or LEAST_OPEN among available members',
  })
  @IsOptionalNotNull()
  @IsEnum(AssignmentMode)
  assignmentMode?: AssignmentMode;

  @ApiPropertyOptional({ type: SlaCalendarDto, description: 'Business hours of the team; default UTC, 24/7' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaCalendarDto)
  calendar?: SlaCalendarDto;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Active agents or admins (replaces the members)',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  memberIds?: string[];
}

export class UpdateTeamDto extends UpdateType(CreateTeamDto) {}

export class AddTeamMemberDto {
  @ApiProperty({ format: 'uuid', description: 'An active agent or admin' })
  @IsUUID()
  userId!: string;
}

export class TeamMemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: UserRole, enumName: 'UserRole' }) role!: UserRole;
  @ApiProperty({ description: 'Marked away: skipped by auto-assignment' }) isAway!: boolean;
  @ApiProperty() isActive!: boolean;
}

export class TeamDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({ enum: AssignmentMode, enumName: 'AssignmentMode' }) assignmentMode!: AssignmentMode;
  @ApiProperty({ type: SlaCalendarDto }) calendar!: SlaCalendarDto;
  @ApiProperty({ type: [TeamMemberDto] }) members!: TeamMemberDto[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class TeamCountsDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: tickets without a team' })
  teamId!: string | null;

  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(Object.values(TicketStatus).map((s) => [s, { type: 'integer' }])),
    additionalProperties: false,
    description: 'Live tickets per status (statuses without tickets are absent)',
  })
  counts!: Partial<Record<TicketStatus, number>>;

  @ApiProperty({ type: 'integer' }) total!: number;
}

export class UpdateOwnAvailabilityDto {
  @ApiProperty({ description: 'Away: auto-assignment skips you' })
  @IsBoolean()
  isAway!: boolean;
}

export class UpdateAvailabilityDto {
  @ApiPropertyOptional({ description: 'Away: auto-assignment skips the agent' })
  @IsOptionalNotNull()
  @IsBoolean()
  isAway?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 10_000,
    description: 'Most open tickets auto-assignment gives the agent (null: no limit)',
  })
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxOpenTickets?: number | null;
}

export class AvailabilityDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() isAway!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) maxOpenTickets!: number | null;
}
