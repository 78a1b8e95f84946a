import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow, IsEnum, IsISO8601, IsString, MaxLength } from 'class-validator';
import { FormSubmissionStatus } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';
import { IsOptionalNotNull } from '../../common/nullability.js';

/** Keys that reach Object.prototype when copied: a 400 naming the field, not a 500 further down. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function rejectPrototypeKeys(value: unknown): unknown {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) throw new BadRequestException(`answers: the key "${key}" is not allowed`);
      stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return value;
}

/** multipart/form-data sends `answers` as a JSON string; JSON bodies send an object. */
const parseJsonString = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return rejectPrototypeKeys(value);
  try {
    return rejectPrototypeKeys(JSON.parse(value) as unknown);
  } catch (err) {
    if (err instanceof BadRequestException) throw err;
    return value; // reported as "must be an object" by the form validation
  }
};

export class SubmitFormDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Field key → answer, as described by GET /api/forms/{id}/schema. In multipart/form-data, a JSON string part; files go in parts named after their field key.',
    example: { order_number: 'A-1001', reason: 'damaged' },
  })
  @IsOptionalNotNull()
  @Transform(parseJsonString)
  @Allow()
  answers?: unknown;

  @ApiPropertyOptional({ description: 'Required for anonymous submissions: the requester’s e-mail address' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(254)
  email?: string;
}

export class ListSubmissionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: FormSubmissionStatus, enumName: 'FormSubmissionStatus' })
  @IsOptionalNotNull()
  @IsEnum(FormSubmissionStatus)
  status?: FormSubmissionStatus;

  @ApiPropertyOptional({ format: 'date-time', description: 'Submitted at or after' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Submitted before' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  to?: string;
}
