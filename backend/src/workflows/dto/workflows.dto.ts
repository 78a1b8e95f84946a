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
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TicketStatus } from '@nixflow/db/client';
import { Nullable, IsOptionalNotNull } from '../../common/nullability.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class NewStageDto {
  @ApiProperty({ maxLength: 100, example: 'In progress' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    enum: TicketStatus,
    enumName: 'TicketStatus',
    nullable: true,
    description: 'Status the ticket takes when it enters the stage (null: unchanged)',
  })
  @Nullable()
  @IsEnum(TicketStatus)
  status?: TicketStatus | null;

  @ApiPropertyOptional({ description: 'New tickets start here (one per workflow)' })
  @IsOptionalNotNull()
  @IsBoolean()
  isInitial?: boolean;
}

export class CreateStageDto extends NewStageDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Zero-based; default: last. Later stages shift down.',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  position?: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Stages of the same workflow a ticket may move to from this one; empty = any',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  allowedTransitionIds?: string[];
}

export class UpdateStageDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: TicketStatus, enumName: 'TicketStatus', nullable: true })
  @Nullable()
  @IsEnum(TicketStatus)
  status?: TicketStatus | null;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  isInitial?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Move the stage; the others shift' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  position?: number;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  allowedTransitionIds?: string[];
}

export class CreateWorkflowDto {
  @ApiProperty({ maxLength: 100, example: 'Support' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ description: 'Used for new tickets without a workflow (the first workflow always is)' })
  @IsOptionalNotNull()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ type: [NewStageDto], description: 'Stages in order (transitions: any; refine per stage)' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => NewStageDto)
  stages?: NewStageDto[];
}

export class UpdateWorkflowDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 1000, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'true makes this the default (the previous one stops being it)' })
  @IsOptionalNotNull()
  @IsBoolean()
  isDefault?: boolean;
}

export class StageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  workflowId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'integer' })
  position!: number;

  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', nullable: true })
  status!: TicketStatus | null;

  @ApiProperty()
  isInitial!: boolean;

  @ApiProperty({ type: [String], format: 'uuid' })
  allowedTransitionIds!: string[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

export class WorkflowDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty()
  isDefault!: boolean;

  @ApiProperty({ type: [StageDto], description: 'Ordered by position' })
  stages!: StageDto[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}
