import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FormFieldType, FormStatus, FormSubmissionStatus, TicketStatus, type Prisma } from '@nixflow/db/client';
import { ANY_JSON_VALUE } from '../../common/api-docs.js';
import { FieldOptionDto, FieldValidationDto, TicketDefaultsDto, VisibleWhenDto } from './form.dto.js';

// What the form routes answer. Each class describes exactly what the service returns; the e2e suites check
// every response against these schemas. JSON columns (options, validation, conditions, defaults) are typed
// `Prisma.JsonValue` on the TypeScript side: their documented shape is the one the request DTOs enforce.

/** A field of one form version, in display order. */
export class FormFieldViewDto {
  @ApiProperty({ example: 'order_number' }) key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: String, nullable: true }) helpText!: string | null;
  @ApiProperty({ enum: FormFieldType, enumName: 'FormFieldType' }) type!: FormFieldType;
  @ApiProperty() required!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0 }) position!: number;
  @ApiProperty({ ...ANY_JSON_VALUE, nullable: true, description: 'Pre-filled value' })
  defaultValue!: Prisma.JsonValue;
  @ApiProperty({ type: [FieldOptionDto], nullable: true, description: 'SELECT, MULTISELECT, RADIO' })
  options!: Prisma.JsonValue;
  @ApiProperty({ type: FieldValidationDto, nullable: true }) validation!: Prisma.JsonValue;
  @ApiProperty({ type: VisibleWhenDto, nullable: true }) visibleWhen!: Prisma.JsonValue;
}

/** A form as lists show it. Staff also see the draft state and the ticket defaults. */
export class FormSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: FormStatus, enumName: 'FormStatus' }) status!: FormStatus;
  @ApiProperty() allowAnonymous!: boolean;
  @ApiProperty({ type: Date }) createdAt!: Date;
  @ApiProperty({ type: Date }) updatedAt!: Date;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'Staff: the current (possibly draft) version; customers: the published version',
  })
  version!: number | null;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, nullable: true, description: 'Staff only' })
  publishedVersion?: number | null;
  @ApiPropertyOptional({ description: 'Staff only: the current version is not the published one' })
  hasUnpublishedChanges?: boolean;
  @ApiPropertyOptional({ type: TicketDefaultsDto, description: 'Staff only' })
  ticketDefaults?: Prisma.JsonValue;
}

export class FormDto extends FormSummaryDto {
  @ApiProperty({ type: [FormFieldViewDto], description: 'The fields of `version`, in order' })
  fields!: FormFieldViewDto[];
}

export class FormVersionDto {
  @ApiProperty({ format: 'uuid' }) formId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ description: 'This is the published version' }) published!: boolean;
  @ApiProperty({ type: [FormFieldViewDto] }) fields!: FormFieldViewDto[];
}

// ── submissions ──

export class SubmissionReceiptDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) formId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) formVersion!: number;
  @ApiProperty({ enum: FormSubmissionStatus, enumName: 'FormSubmissionStatus' }) status!: FormSubmissionStatus;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ type: 'integer' }) ticketNumber!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of files stored' }) attachments!: number;
  @ApiProperty({ type: Date }) createdAt!: Date;
}

export class SubmissionTicketDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) number!: number;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus' }) status!: string;
}

export class FormSubmissionSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) formId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) formVersion!: number;
  @ApiProperty({ enum: FormSubmissionStatus, enumName: 'FormSubmissionStatus' }) status!: FormSubmissionStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: anonymous' })
  submitterId!: string | null;
  @ApiProperty({ type: String, nullable: true }) submitterEmail!: string | null;
  @ApiProperty({ description: 'false: given on an anonymous submission and never verified' })
  submitterEmailVerified!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ticketId!: string | null;
  @ApiProperty({ type: SubmissionTicketDto, nullable: true }) ticket!: SubmissionTicketDto | null;
  @ApiProperty({ type: Date }) createdAt!: Date;
}

export class SubmissionAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The FILE field it was uploaded for' }) fieldKey!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) sizeBytes!: number;
  @ApiProperty({ type: Date }) createdAt!: Date;
}

export class SubmissionDefinitionDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ type: [FormFieldViewDto] }) fields!: FormFieldViewDto[];
}

export class FormSubmissionDto extends FormSubmissionSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Field key → answer (any JSON value), as validated against `definition`',
  })
  answers!: Prisma.JsonValue;
  @ApiProperty({ type: [SubmissionAttachmentDto] }) attachments!: SubmissionAttachmentDto[];
  @ApiProperty({ type: SubmissionDefinitionDto, description: 'The version the answers were validated against' })
  definition!: SubmissionDefinitionDto;
}
