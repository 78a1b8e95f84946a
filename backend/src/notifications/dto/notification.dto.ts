import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.js';
import { IsOptionalNotNull } from '../../common/nullability.js';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListNotificationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'only unread (true) or only read (false)' })
  @IsOptionalNotNull()
  @Transform(bool)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ default: false, description: 'include notifications snoozed until a later time' })
  @IsOptionalNotNull()
  @Transform(bool)
  @IsBoolean()
  includeSnoozed?: boolean;
}

export class SnoozeNotificationDto {
  @ApiProperty({ format: 'date-time', description: 'hidden from the default list until then (must be in the future)' })
  @Type(() => Date)
  @IsDate()
  until!: Date;
}

/** In-app notification types: ticket notices (backend) and SLA alerts (worker). */
export const NOTIFICATION_TYPES = [
  'comment.added',
  'ticket.status_changed',
  'ticket.assigned',
  'ticket.updated',
  'sla.breached',
  'sla.at_risk',
] as const;

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) ticketId!: string | null;
  @ApiProperty({ enum: NOTIFICATION_TYPES, enumName: 'NotificationType' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) body!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: unknown;
  @ApiProperty({ type: Date, nullable: true }) readAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) snoozedUntil!: Date | null;
  @ApiProperty() createdAt!: Date;
}
