import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TicketStatus } from '@nixflow/db/client';

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
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus | null;

  @ApiPropertyOptional({ description: 'New tickets start here (one per workflow)' })
  @IsOptional()
  @IsBoolean()
  isInitial?: boolean;
}

export class CreateStageDto extends NewStageDto {
  @ApiPropertyOptional({ minimum: 0, description: 'Zero-based; default: last. Later stages shift down.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Stages of the same workflow a ticket may move to from this one; empty = any',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  allowedTransitionIds?: string[];
}

export class UpdateStageDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: TicketStatus, enumName: 'TicketStatus', nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isInitial?: boolean;

  @ApiPropertyOptional({ minimum: 0, description: 'Move the stage; the others shift' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
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
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ description: 'Used for new tickets without a workflow (the first workflow always is)' })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ type: [NewStageDto], description: 'Stages in order (transitions: any; refine per stage)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => NewStageDto)
  stages?: NewStageDto[];
}

export class UpdateWorkflowDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 1000, nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'true makes this the default (the previous one stops being it)' })
  @IsOptional()
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

  @ApiProperty()
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
