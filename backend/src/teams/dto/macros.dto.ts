import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { TicketPriority, TicketStatus } from '@nixflow/db/client';
import { MACRO_PLACEHOLDERS } from '@nixflow/core';
import { IsOptionalNotNull, Nullable, UpdateType } from '../../common/nullability.js';
import { CommentDto } from '../../tickets/dto/comments.dto.js';
import { TicketDto } from '../../tickets/dto/tickets.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const MACRO_SCOPES = ['SHARED', 'TEAM', 'PERSONAL'] as const;

export class CreateMacroDto {
  @ApiProperty({ maxLength: 200, example: 'Refund on its way' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    maxLength: 50_000,
    example: 'Hello {{requester.name}}, your refund for ticket #{{ticket.number}} is on its way.',
    description: `Placeholders: ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50_000)
  body!: string;

  @ApiPropertyOptional({ default: false, description: 'Posted as an internal note' })
  @IsOptionalNotNull()
  @IsBoolean()
  internal?: boolean;

  @ApiPropertyOptional({
    enum: MACRO_SCOPES,
    default: 'PERSONAL',
    description: 'SHARED and TEAM: admins only; PERSONAL: yours',
  })
  @IsOptionalNotNull()
  @IsIn(MACRO_SCOPES)
  scope?: (typeof MACRO_SCOPES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'The team of a TEAM macro (its members see it)' })
  @IsOptionalNotNull()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ enum: TicketStatus, enumName: 'TicketStatus', nullable: true })
  @Nullable()
  @IsEnum(TicketStatus)
  setStatus?: TicketStatus | null;

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', nullable: true })
  @Nullable()
  @IsEnum(TicketPriority)
  setPriority?: TicketPriority | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @Nullable()
  @IsUUID()
  setTeamId?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(/\S/, { each: true, message: 'each value in addTags must not be blank' })
  addTags?: string[];
}

export class UpdateMacroDto extends UpdateType(CreateMacroDto) {}

export class MacroDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() body!: string;
  @ApiProperty() internal!: boolean;
  @ApiProperty({ enum: MACRO_SCOPES }) scope!: (typeof MACRO_SCOPES)[number];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId!: string | null;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', nullable: true }) setStatus!: TicketStatus | null;
  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority', nullable: true })
  setPriority!: TicketPriority | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) setTeamId!: string | null;
  @ApiProperty({ type: [String] }) addTags!: string[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class ApplyMacroDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ticketId!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Optimistic concurrency: the ticket version you read' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  version?: number;
}

export class MacroApplicationDto {
  @ApiProperty({ type: TicketDto }) ticket!: TicketDto;
  @ApiProperty({ type: CommentDto }) comment!: CommentDto;
}
