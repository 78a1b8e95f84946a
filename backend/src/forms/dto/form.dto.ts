import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
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
import { FormFieldType, FormStatus, TicketPriority } from '@nixflow/db/client';
import { ANY_JSON_VALUE } from '../../common/api-docs.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { Nullable, IsOptionalNotNull } from '../../common/nullability.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const NUMBER_OR_STRING = { oneOf: [{ type: 'number' }, { type: 'string' }] };

export class FieldOptionDto {
  @ApiProperty({ example: 'refund' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  value!: string;

  @ApiProperty({ example: 'Refund' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  label!: string;
}

export class FieldValidationDto {
  @ApiPropertyOptional({
    ...NUMBER_OR_STRING,
    description: 'NUMBER: minimum; DATE/DATETIME: earliest (ISO string); MULTISELECT: fewest selections',
  })
  @IsOptionalNotNull()
  @Allow()
  min?: number | string;

  @ApiPropertyOptional({
    ...NUMBER_OR_STRING,
    description: 'NUMBER: maximum; DATE/DATETIME: latest (ISO string); MULTISELECT: most selections',
  })
  @IsOptionalNotNull()
  @Allow()
  max?: number | string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  minLength?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  maxLength?: number;

  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'ECMAScript regular expression the whole answer must match; rejected when it could backtrack catastrophically',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  pattern?: string;

  @ApiPropertyOptional({ type: [String], example: ['application/pdf', 'image/*', '.txt'] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  fileTypes?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'FILE: largest file in bytes (never above FORM_MAX_ATTACHMENT_BYTES)',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  maxFileBytes?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10, default: 1 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(10)
  maxFiles?: number;
}

export class VisibleWhenDto {
  @ApiProperty({ description: 'Key of an earlier field' })
  @IsString()
  field!: string;

  @ApiPropertyOptional({
    ...ANY_JSON_VALUE,
    description: 'Shown when the answer equals this (for a MULTISELECT: contains it)',
  })
  @IsOptionalNotNull()
  @Allow()
  equals?: unknown;

  @ApiPropertyOptional({ type: 'array', items: {}, description: 'Shown when the answer is one of these' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  in?: unknown[];

  @ApiPropertyOptional({ ...ANY_JSON_VALUE, description: 'Shown when the answer differs from this' })
  @IsOptionalNotNull()
  @Allow()
  notEquals?: unknown;
}

export class FormFieldDto {
  @ApiProperty({ example: 'order_number', description: 'Unique in the form: a letter, then letters, digits, _' })
  @IsString()
  @MaxLength(64)
  key!: string;

  @ApiProperty({ example: 'Order number' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  label!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  helpText?: string | null;

  @ApiProperty({ enum: FormFieldType, enumName: 'FormFieldType' })
  @IsEnum(FormFieldType)
  type!: FormFieldType;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ ...ANY_JSON_VALUE, description: 'Pre-filled value (validated like an answer)' })
  @IsOptionalNotNull()
  @Allow()
  defaultValue?: unknown;

  @ApiPropertyOptional({ type: [FieldOptionDto], description: 'SELECT, MULTISELECT, RADIO' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => FieldOptionDto)
  options?: FieldOptionDto[];

  @ApiPropertyOptional({ type: FieldValidationDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => FieldValidationDto)
  validation?: FieldValidationDto;

  @ApiPropertyOptional({ type: VisibleWhenDto, description: 'Show the field only when an earlier field matches' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => VisibleWhenDto)
  visibleWhen?: VisibleWhenDto;
}

export class TicketDefaultsDto {
  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority' })
  @IsOptionalNotNull()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  workflowId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'An active agent or admin' })
  @IsOptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "The team whose queue the form's tickets go to (an active team); wins over routing rules",
  })
  @IsOptionalNotNull()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({
    deprecated: true,
    description: 'Replaced by teamId: sending it answers 400 (stored values became teams of that name)',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  assigneeGroup?: string;

  @ApiPropertyOptional({ example: 'Refund for {{order_number}}', description: '"{{key}}" placeholders take answers' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(300)
  subjectTemplate?: string;
}

export class CreateFormDto {
  @ApiProperty({ example: 'Refund request' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Anyone may submit (with an e-mail address)' })
  @IsOptionalNotNull()
  @IsBoolean()
  allowAnonymous?: boolean;

  @ApiPropertyOptional({ type: TicketDefaultsDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => TicketDefaultsDto)
  ticketDefaults?: TicketDefaultsDto;

  @ApiPropertyOptional({ type: [FormFieldDto], description: 'The whole ordered field list' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FormFieldDto)
  fields?: FormFieldDto[];
}

export class UpdateFormDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  allowAnonymous?: boolean;

  @ApiPropertyOptional({ type: TicketDefaultsDto, description: 'Replaces the defaults as a whole' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => TicketDefaultsDto)
  ticketDefaults?: TicketDefaultsDto;

  @ApiPropertyOptional({
    type: [FormFieldDto],
    description:
      'Replaces the whole ordered field list. On a form whose current version is published this creates a new draft version.',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FormFieldDto)
  fields?: FormFieldDto[];
}

export class ListFormsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: FormStatus, enumName: 'FormStatus' })
  @IsOptionalNotNull()
  @IsEnum(FormStatus)
  status?: FormStatus;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  q?: string;
}
