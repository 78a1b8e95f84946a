import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsUUID } from 'class-validator';
import { EmailDirection, EmailMessageStatus, EmailMessageType } from '@nixflow/db/client';
import { IsOptionalNotNull } from '../../common/nullability.js';
import { PaginationQueryDto } from '../../common/pagination.js';

export class ListEmailMessagesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "The ticket's messages (agents and admins). Without it: all accounts' messages, admins only.",
  })
  @IsOptionalNotNull()
  @IsUUID()
  ticketId?: string;

  @ApiPropertyOptional({
    enum: EmailMessageStatus,
    enumName: 'EmailMessageStatus',
    description: 'e.g. FLAGGED, FAILED',
  })
  @IsOptionalNotNull()
  @IsEnum(EmailMessageStatus)
  status?: EmailMessageStatus;

  @ApiPropertyOptional({ enum: EmailMessageType, enumName: 'EmailMessageType', description: 'e.g. BOUNCE, AUTO_REPLY' })
  @IsOptionalNotNull()
  @IsEnum(EmailMessageType)
  type?: EmailMessageType;
}

export class EmailAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Without angle brackets' }) contentId!: string | null;
  @ApiProperty({ description: 'An image the HTML body shows (its cid: reference points at the download URL)' })
  inline!: boolean;
  @ApiProperty({ description: 'Download: GET /api/email/attachments/{id}' }) url!: string;
}

export class EmailMessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) threadId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) ticketId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) commentId!: string | null;
  @ApiProperty() messageId!: string;
  @ApiProperty({ nullable: true, type: String }) inReplyTo!: string | null;
  @ApiProperty({ type: [String] }) references!: string[];
  @ApiProperty({ enum: EmailDirection, enumName: 'EmailDirection' }) direction!: EmailDirection;
  @ApiProperty({ enum: EmailMessageType, enumName: 'EmailMessageType' }) type!: EmailMessageType;
  @ApiProperty({ enum: EmailMessageStatus, enumName: 'EmailMessageStatus' }) status!: EmailMessageStatus;
  @ApiProperty() fromAddress!: string;
  @ApiProperty({ nullable: true, type: String }) fromName!: string | null;
  @ApiProperty({ type: [String] }) to!: string[];
  @ApiProperty({ type: [String] }) cc!: string[];
  @ApiProperty() subject!: string;
  @ApiProperty({ nullable: true, type: String }) textBody!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Sanitised HTML' }) htmlBody!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) flagReason!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) receivedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: Date | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When staff released it (was FLAGGED)',
  })
  releasedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
  @ApiProperty({ type: [EmailAttachmentDto] }) attachments!: EmailAttachmentDto[];
}

export class InboundResultDto {
  @ApiProperty({ description: 'true: this Message-ID was already stored for the account; nothing new was written' })
  duplicate!: boolean;
  @ApiProperty({ format: 'uuid' }) emailMessageId!: string;
  @ApiProperty({ enum: EmailMessageStatus, enumName: 'EmailMessageStatus' }) status!: EmailMessageStatus;
  @ApiProperty({ enum: EmailMessageType, enumName: 'EmailMessageType' }) type!: EmailMessageType;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) ticketId!: string | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) ticketNumber!: number | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) commentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) flagReason!: string | null;
}
