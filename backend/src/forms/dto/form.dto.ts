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
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { FormFieldType, FormStatus, TicketPriority } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';

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
  @IsOptional()
  @Allow()
  min?: number | string;

  @ApiPropertyOptional({
    ...NUMBER_OR_STRING,
    description: 'NUMBER: maximum; DATE/DATETIME: latest (ISO string); MULTISELECT: most selections',
  })
  @IsOptional()
  @Allow()
  max?: number | string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  minLength?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxLength?: number;

  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'ECMAScript regular expression the whole answer must match; rejected when it could backtrack catastrophically',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  pattern?: string;

  @ApiPropertyOptional({ type: [String], example: ['application/pdf', 'image/*', '.txt'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  fileTypes?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    description: 'FILE: largest file in bytes (never above FORM_MAX_ATTACHMENT_BYTES)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxFileBytes?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  maxFiles?: number;
}

export class VisibleWhenDto {
  @ApiProperty({ description: 'Key of an earlier field' })
  @IsString()
  field!: string;

  @ApiPropertyOptional({ description: 'Shown when the answer equals this (for a MULTISELECT: contains it)' })
  @IsOptional()
  @Allow()
  equals?: unknown;

  @ApiPropertyOptional({ type: 'array', items: {}, description: 'Shown when the answer is one of these' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  in?: unknown[];

  @ApiPropertyOptional({ description: 'Shown when the answer differs from this' })
  @IsOptional()
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

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  helpText?: string | null;

  @ApiProperty({ enum: FormFieldType, enumName: 'FormFieldType' })
  @IsEnum(FormFieldType)
  type!: FormFieldType;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ description: 'Pre-filled value (validated like an answer)' })
  @IsOptional()
  @Allow()
  defaultValue?: unknown;

  @ApiPropertyOptional({ type: [FieldOptionDto], description: 'SELECT, MULTISELECT, RADIO' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => FieldOptionDto)
  options?: FieldOptionDto[];

  @ApiPropertyOptional({ type: FieldValidationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FieldValidationDto)
  validation?: FieldValidationDto;

  @ApiPropertyOptional({ type: VisibleWhenDto, description: 'Show the field only when an earlier field matches' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VisibleWhenDto)
  visibleWhen?: VisibleWhenDto;
}

export class TicketDefaultsDto {
  @ApiPropertyOptional({ enum: TicketPriority, enumName: 'TicketPriority' })
  @IsOptional()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'An active agent or admin' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'Recorded with the form for routing rules; no group model yet' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  assigneeGroup?: string;

  @ApiPropertyOptional({ example: 'Refund for {{order_number}}', description: '"{{key}}" placeholders take answers' })
  @IsOptional()
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

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Anyone may submit (with an e-mail address)' })
  @IsOptional()
  @IsBoolean()
  allowAnonymous?: boolean;

  @ApiPropertyOptional({ type: TicketDefaultsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TicketDefaultsDto)
  ticketDefaults?: TicketDefaultsDto;

  @ApiPropertyOptional({ type: [FormFieldDto], description: 'The whole ordered field list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FormFieldDto)
  fields?: FormFieldDto[];
}

export class UpdateFormDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allowAnonymous?: boolean;

  @ApiPropertyOptional({ type: TicketDefaultsDto, description: 'Replaces the defaults as a whole' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TicketDefaultsDto)
  ticketDefaults?: TicketDefaultsDto;

  @ApiPropertyOptional({
    type: [FormFieldDto],
    description:
      'Replaces the whole ordered field list. On a form whose current version is published this creates a new draft version.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FormFieldDto)
  fields?: FormFieldDto[];
}

export class ListFormsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: FormStatus, enumName: 'FormStatus' })
  @IsOptional()
  @IsEnum(FormStatus)
  status?: FormStatus;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
