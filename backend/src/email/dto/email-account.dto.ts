import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsEnum, IsInt, IsNotEmpty, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { TicketPriority } from '@nixflow/db/client';
import { Nullable, IsOptionalNotNull, UpdateType } from '../../common/nullability.js';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateEmailAccountDto {
  @ApiProperty({ format: 'email', example: 'support@example.com' })
  @Transform(lower)
  @IsEmail()
  @MaxLength(254)
  address!: string;

  @ApiPropertyOptional({ type: String, example: 'Example Support', nullable: true })
  @Nullable()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  displayName?: string | null;

  @ApiPropertyOptional({ type: String, example: 'imap.example.com', nullable: true })
  @Nullable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(253)
  imapHost?: string | null;

  @ApiPropertyOptional({ type: 'integer', example: 993, nullable: true })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(65535)
  imapPort?: number | null;

  @ApiPropertyOptional({
    description: 'Implicit TLS (port 993); false: plain connection upgraded with STARTTLS when offered',
    default: true,
  })
  @IsOptionalNotNull()
  @IsBoolean()
  imapTls?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(254)
  imapUser?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'Write-only: stored encrypted, never returned; null clears it',
    nullable: true,
    writeOnly: true,
  })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  imapPassword?: string | null;

  @ApiPropertyOptional({ default: 'INBOX' })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  imapFolder?: string;

  @ApiPropertyOptional({ type: 'integer', default: 60, minimum: 2, maximum: 86400 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(2)
  @Max(86400)
  pollIntervalSeconds?: number;

  @ApiPropertyOptional({ type: String, example: 'smtp.example.com', nullable: true })
  @Nullable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(253)
  smtpHost?: string | null;

  @ApiPropertyOptional({ type: 'integer', example: 465, nullable: true })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(65535)
  smtpPort?: number | null;

  @ApiPropertyOptional({ description: 'Implicit TLS (port 465); false: STARTTLS when offered (587/25)', default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  smtpTls?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(254)
  smtpUser?: string | null;

  @ApiPropertyOptional({
    type: String,
    description: 'Write-only: stored encrypted, never returned; null clears it',
    nullable: true,
    writeOnly: true,
  })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  smtpPassword?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Workflow of tickets opened by mail (null: the default workflow)',
  })
  @Nullable()
  @IsUUID()
  defaultWorkflowId?: string | null;

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', default: TicketPriority.NORMAL })
  @IsOptionalNotNull()
  @IsEnum(TicketPriority)
  defaultPriority?: TicketPriority;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'mx.example.com',
    description:
      "authserv-id of the account's own receiving server. Only the topmost Authentication-Results header with " +
      'this id is believed: a DMARC (or aligned DKIM) pass there proves the sender. null: none is believed.',
  })
  @Nullable()
  @Transform(lower)
  @IsString()
  @IsNotEmpty()
  @MaxLength(253)
  trustedAuthservId?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;
}

export class UpdateEmailAccountDto extends UpdateType(CreateEmailAccountDto) {}

export class EmailAccountDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) address!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ nullable: true, type: String }) imapHost!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) imapPort!: number | null;
  @ApiProperty() imapTls!: boolean;
  @ApiProperty({ nullable: true, type: String }) imapUser!: string | null;
  @ApiProperty() hasImapPassword!: boolean;
  @ApiProperty() imapFolder!: string;
  @ApiProperty() pollIntervalSeconds!: number;
  @ApiProperty({ nullable: true, type: String, description: 'UIDVALIDITY of the folder at the last poll' })
  imapUidValidity!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Highest UID fetched so far' })
  imapLastUid!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastPolledAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) smtpHost!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) smtpPort!: number | null;
  @ApiProperty() smtpTls!: boolean;
  @ApiProperty({ nullable: true, type: String }) smtpUser!: string | null;
  @ApiProperty() hasSmtpPassword!: boolean;
  @ApiProperty({ nullable: true, type: String }) trustedAuthservId!: string | null;
  @ApiProperty({
    type: [String],
    enum: ['imap', 'smtp'],
    description:
      'PATCH only: stored passwords this update cleared because the host, port, user or TLS setting changed ' +
      'without a new password (a stored password is never sent to a server it was not given for)',
  })
  clearedPasswords!: ('imap' | 'smtp')[];
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) defaultWorkflowId!: string | null;
  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority' }) defaultPriority!: TicketPriority;
  @ApiProperty({ description: 'An inbound webhook token has been issued' }) hasInboundToken!: boolean;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class InboundTokenDto {
  @ApiProperty({ description: 'Shown once. Send as `Authorization: Bearer <token>` or `X-Nixflow-Inbound-Token`.' })
  token!: string;
}

export class ConnectionCheckDto {
  @ApiProperty({ description: 'false when this side is not configured' }) configured!: boolean;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: 'Why the check failed' }) error?: string;
  @ApiProperty() durationMs!: number;
}

export class ConnectionTestDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: ConnectionCheckDto }) imap!: ConnectionCheckDto;
  @ApiProperty({ type: ConnectionCheckDto }) smtp!: ConnectionCheckDto;
}
