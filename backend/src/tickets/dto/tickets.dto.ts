import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { TicketChannel, TicketPriority, TicketStatus, UserRole } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';
import { Nullable, IsOptionalNotNull } from '../../common/nullability.js';
import { TICKET_COUNT_CAP } from '@nixflow/domain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** `?status=OPEN&status=ON_HOLD` or `?status=OPEN,ON_HOLD` → ['OPEN', 'ON_HOLD']. */
const toList = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export class CreateTicketDto {
  @ApiProperty({ maxLength: 300, example: 'Cannot log in' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  subject!: string;

  @ApiProperty({ maxLength: 50_000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50_000)
  description!: string;

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', description: 'Staff only' })
  @IsOptionalNotNull()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ enum: TicketChannel, enumName: 'TicketChannel', description: 'Staff only; default WEB' })
  @IsOptionalNotNull()
  @IsEnum(TicketChannel)
  channel?: TicketChannel;

  @ApiPropertyOptional({ format: 'uuid', description: 'Staff only (customers: always themselves)' })
  @IsOptionalNotNull()
  @IsUUID()
  requesterId?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Staff only; an active agent or admin',
  })
  @Nullable()
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Staff only; default: the default workflow' })
  @IsOptionalNotNull()
  @IsUUID()
  workflowId?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: 'Staff only; stored trimmed and lower-case' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(/\S/, { each: true, message: 'each value in tags must not be blank' })
  tags?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Staff only: the team whose queue holds it (wins over routing rules)',
  })
  @IsOptionalNotNull()
  @IsUUID()
  teamId?: string;
}

export class UpdateTicketDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 50_000 })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50_000)
  description?: string;

  @ApiPropertyOptional({
    enum: TicketStatus,
    enumName: 'TicketStatus',
    description: 'Customers: only CLOSED, or OPEN to reopen a RESOLVED/CLOSED/PENDING_CUSTOMER ticket',
  })
  @IsOptionalNotNull()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', description: 'Staff only' })
  @IsOptionalNotNull()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ format: 'uuid', description: 'Staff only' })
  @IsOptionalNotNull()
  @IsUUID()
  requesterId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Staff only; null unassigns' })
  @Nullable()
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Staff only; moves to its initial stage',
  })
  @Nullable()
  @IsUUID()
  workflowId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Staff only; must be an allowed transition (else 409)' })
  @IsOptionalNotNull()
  @IsUUID()
  stageId?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: 'Staff only; replaces the tags' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(/\S/, { each: true, message: 'each value in tags must not be blank' })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Optimistic concurrency: the version you read (stale → 409)',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "Staff only; null takes it out of every team's queue",
  })
  @Nullable()
  @IsUUID()
  teamId?: string | null;
}

/** slaDueAt: the next SLA deadline (running, or breached and unanswered) first; tickets without one last. */
/** The ticket list counts its matches exactly up to this many, unless the client asks for the exact total. */

export const TICKET_SORT_FIELDS = ['createdAt', 'updatedAt', 'priority', 'number', 'slaDueAt'] as const;
export type TicketSortField = (typeof TICKET_SORT_FIELDS)[number];

export class ListTicketsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    enum: TicketStatus,
    enumName: 'TicketStatus',
    isArray: true,
    description: 'Repeat or comma-separate',
  })
  @IsOptionalNotNull()
  @Transform(toList)
  @IsEnum(TicketStatus, { each: true })
  status?: TicketStatus[];

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', isArray: true })
  @IsOptionalNotNull()
  @Transform(toList)
  @IsEnum(TicketPriority, { each: true })
  priority?: TicketPriority[];

  @ApiPropertyOptional({ description: 'A user id, `me` or `none`' })
  @IsOptionalNotNull()
  @ValidateIf((_o, v) => v !== 'me' && v !== 'none')
  @IsUUID(undefined, { message: 'assigneeId must be a UUID, "me" or "none"' })
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  requesterId?: string;

  @ApiPropertyOptional({ description: 'A team id, `mine` (the teams of the caller) or `none`' })
  @IsOptionalNotNull()
  @ValidateIf((_o, v) => v !== 'mine' && v !== 'none')
  @IsUUID(undefined, { message: 'team must be a UUID, "mine" or "none"' })
  team?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  workflowId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  stageId?: string;

  @ApiPropertyOptional({ description: 'Tickets carrying this tag' })
  @IsOptionalNotNull()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'createdAt ≥ this' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  createdFrom?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'createdAt < this' })
  @IsOptionalNotNull()
  @Type(() => Date)
  @IsDate()
  createdTo?: Date;

  @ApiPropertyOptional({ description: 'Text in subject or description (case-insensitive)' })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: TICKET_SORT_FIELDS, default: 'createdAt' })
  @IsOptionalNotNull()
  @IsIn(TICKET_SORT_FIELDS)
  sort: TicketSortField = 'createdAt';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptionalNotNull()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ description: 'Admin only: list the soft-deleted tickets instead (to restore them)' })
  @IsOptionalNotNull()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  deleted?: boolean;

  @ApiPropertyOptional({
    description: `true: count every match for \`total\`. Default: counted up to ${TICKET_COUNT_CAP} (see totalExact), as an exact count of a large result costs more than the page`,
  })
  @IsOptionalNotNull()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  exactTotal?: boolean;
}

export class UserSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: UserRole, enumName: 'UserRole' })
  role!: UserRole;
}

export class StageSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'integer' })
  position!: number;
}

export class TicketDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: 'integer', description: 'Human reference, e.g. [#123] in mail subjects' })
  number!: number;

  @ApiProperty()
  subject!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Sanitised HTML of the e-mail that opened the ticket; inline images point at /api/email/attachments/{id}. ' +
      'null for other channels, and after an edit of description',
  })
  descriptionHtml!: string | null;

  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus' })
  status!: TicketStatus;

  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority' })
  priority!: TicketPriority;

  @ApiProperty({ enum: TicketChannel, enumName: 'TicketChannel' })
  channel!: TicketChannel;

  @ApiProperty({ format: 'uuid' })
  requesterId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  workflowId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  stageId!: string | null;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({ type: 'integer', description: 'Send it back in PATCH for optimistic concurrency' })
  version!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  firstRespondedAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Set on soft-deleted tickets (admins)',
  })
  deletedAt!: Date | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  formId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The team whose queue holds the ticket' })
  teamId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The SLA policy that applies (null: none)',
  })
  slaPolicyId!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Next SLA deadline (running, or breached and unanswered)',
  })
  slaNextDueAt!: Date | null;

  @ApiPropertyOptional({ type: UserSummaryDto })
  requester?: UserSummaryDto;

  @ApiPropertyOptional({ type: UserSummaryDto, nullable: true })
  assignee?: UserSummaryDto | null;

  @ApiPropertyOptional({ type: StageSummaryDto, nullable: true })
  stage?: StageSummaryDto | null;
}

/** The ticket list's extra page field: whether `total` is exact (see `exactTotal`). */
export class TicketCountInfoDto {
  @ApiProperty({ description: 'false: there are more than `total` matches ("1000+"); ask with exactTotal=true' })
  totalExact!: boolean;
}

export class DeleteTicketQueryDto {
  @ApiPropertyOptional({ description: 'Admin only: delete the row for good (409 while other rows depend on it)' })
  @IsOptionalNotNull()
  @IsIn(['true', 'false'])
  hard?: 'true' | 'false';
}
