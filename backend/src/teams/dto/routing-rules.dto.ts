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
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TicketChannel, TicketPriority } from '@nixflow/db/client';
import { IsOptionalNotNull, Nullable, UpdateType } from '../../common/nullability.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** All given conditions must hold; within one list, any value matches. Absent or empty: no condition. */
export class RoutingConditionsDto {
  @ApiPropertyOptional({ enum: TicketChannel, enumName: 'TicketChannel', isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @IsEnum(TicketChannel, { each: true })
  channels?: TicketChannel[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'E-mail accounts the message came to' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  emailAccountIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  formIds?: string[];

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @IsEnum(TicketPriority, { each: true })
  priorities?: TicketPriority[];

  @ApiPropertyOptional({ type: [String], description: 'Any of these tags' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['example.com'],
    description: 'Domain or subdomain of the requester',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^@?[a-z0-9.-]+\.[a-z]{2,}$/i, { each: true, message: 'each value in requesterDomains must be a domain' })
  requesterDomains?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Any of these words or phrases in subject or description' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(/\S/, { each: true, message: 'each value in keywords must not be blank' })
  keywords?: string[];
}

export class CreateRoutingRuleDto {
  @ApiProperty({ maxLength: 200, example: 'Refunds to Billing' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: 'integer', default: 0, description: 'Evaluation order: the first matching rule fires' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  position?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ type: RoutingConditionsDto, default: {} })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingConditionsDto)
  conditions?: RoutingConditionsDto;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Action: put the ticket in this team',
  })
  @Nullable()
  @IsUUID()
  setTeamId?: string | null;

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', nullable: true, description: 'Action' })
  @Nullable()
  @IsEnum(TicketPriority)
  setPriority?: TicketPriority | null;

  @ApiPropertyOptional({ type: [String], description: 'Action: add these tags' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(/\S/, { each: true, message: 'each value in addTags must not be blank' })
  addTags?: string[];
}

export class UpdateRoutingRuleDto extends UpdateType(CreateRoutingRuleDto) {}

export class RoutingRuleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) position!: number;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({ type: RoutingConditionsDto }) conditions!: RoutingConditionsDto;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) setTeamId!: string | null;
  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority', nullable: true })
  setPriority!: TicketPriority | null;
  @ApiProperty({ type: [String] }) addTags!: string[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

/** A sample ticket for the dry run. */
export class RoutingDryRunDto {
  @ApiProperty({ enum: TicketChannel, enumName: 'TicketChannel' })
  @IsEnum(TicketChannel)
  channel!: TicketChannel;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  emailAccountId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  formId?: string;

  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority', default: 'NORMAL' })
  @IsOptionalNotNull()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ example: 'ana@example.com' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(320)
  requesterEmail?: string;

  @ApiPropertyOptional({ maxLength: 300, default: '' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(300)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 50_000, default: '' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(50_000)
  description?: string;
}

export class RoutingDryRunResultDto {
  @ApiProperty({ type: RoutingRuleDto, nullable: true, description: 'The rule that would fire (null: none)' })
  rule!: RoutingRuleDto | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The team the ticket would get' })
  teamId!: string | null;

  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority' }) priority!: TicketPriority;
  @ApiProperty({ type: [String] }) tags!: string[];
}
