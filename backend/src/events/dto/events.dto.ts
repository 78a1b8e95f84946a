import { QueryInt } from '../../common/pagination.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/nullability.js';

/** Every event type written to the event log (backend and worker). */
export const EVENT_TYPES = [
  'TicketCreated',
  'TicketUpdated',
  'TicketAssigned',
  'StatusChanged',
  'StageChanged',
  'TicketDeleted',
  'TicketRestored',
  'CommentAdded',
  'CommentEdited',
  'CommentDeleted',
  'WatcherAdded',
  'WatcherRemoved',
  'EmailReceived',
  'EmailSent',
  'EmailFailed',
  'FormSubmitted',
  'SLAPolicyChanged',
  'SLABreached',
  'SLAAtRisk',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export class ListEventsQueryDto {
  @ApiPropertyOptional({ description: 'Return events with an id greater than this (watermark)', example: '0' })
  @IsOptionalNotNull()
  @Matches(/^\d{1,18}$/, { message: 'after must be a non-negative integer' })
  after?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;

  @ApiPropertyOptional({ enum: EVENT_TYPES, enumName: 'EventType' })
  @IsOptionalNotNull()
  @IsIn(EVENT_TYPES)
  type?: EventType;

  @ApiPropertyOptional({ example: 'Ticket', description: 'Aggregate type (with aggregateId: index-backed lookup)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  aggregateType?: string;

  @ApiPropertyOptional({ description: 'Aggregate id, e.g. a ticket id' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  aggregateId?: string;
}

export class EventDto {
  @ApiProperty({ description: 'bigint as a string', example: '42' })
  id!: string;

  @ApiProperty({ description: 'committing transaction id (bigint as a string)' })
  txId!: string;

  @ApiProperty({ enum: EVENT_TYPES, enumName: 'EventType' })
  type!: string;

  @ApiProperty({ example: 'Ticket' })
  aggregateType!: string;

  @ApiProperty()
  aggregateId!: string;

  @ApiProperty({ type: String, nullable: true })
  actorId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  payload!: Record<string, unknown>;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

export class EventPageDto {
  @ApiProperty({ type: [EventDto] })
  items!: EventDto[];

  @ApiProperty({ description: 'Pass as `after` to get the next page' })
  nextAfter!: string;
}
