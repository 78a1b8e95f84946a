import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  UploadedFiles,
  UseGuards,
  UseInterceptors,
  ValidationPipe,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public, Roles } from '../auth/decorators.js';
import type { Response } from 'express';
import type { UploadedFileLike } from '../common/attachment-storage.js';
import { DOWNLOAD_REDIRECT_DOC, StoredFileDownloads } from '../common/stored-file-downloads.js';
import { flattenValidationErrors, ValidationFailedException } from '../common/validation.js';
import { OptionalAuthGuard } from '../knowledge-base/optional-auth.guard.js';
import { AnswerFilters, QueryWithoutAnswers } from './answer-filters.decorator.js';
import { AnswersKeysInterceptor } from './answers-keys.interceptor.js';
import { ListSubmissionsQueryDto, SubmitFormDto } from './dto/submission.dto.js';
import { ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';
import { FormSubmissionDto, FormSubmissionSummaryDto, SubmissionReceiptDto } from './dto/form-responses.dto.js';
import { FormSubmissionsService } from './form-submissions.service.js';
import { FormSubmitThrottled, FormSubmitThrottlerGuard } from './form-submit-throttler.guard.js';
import { FormUploadInterceptor } from './form-upload.interceptor.js';

const EVERYONE = [UserRole.ADMIN, UserRole.AGENT, UserRole.CUSTOMER];

/** The global pipe skips custom decorators; this one validates the query minus its answer.* filters. */
const queryPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  validateCustomDecorators: true,
  expectedType: ListSubmissionsQueryDto,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
});

@ApiTags('forms')
@ApiBearerAuth()
@Controller('forms/:id/submissions')
export class FormSubmissionsController {
  constructor(
    private readonly submissions: FormSubmissionsService,
    private readonly downloads: StoredFileDownloads,
  ) {}

  @Public()
  @FormSubmitThrottled()
  @UseGuards(OptionalAuthGuard, FormSubmitThrottlerGuard)
  @UseInterceptors(AnswersKeysInterceptor, FormUploadInterceptor)
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Submit a form: validated against the published version; a valid submission becomes a ticket',
    description:
      'JSON `{ answers, email? }`, or multipart/form-data with an `answers` JSON part and files in parts named after their FILE field key. ' +
      'Signed-in users (any role), or anyone when the form allows anonymous submissions (then `email` is required and the requester is found or created as a customer). ' +
      'Rate-limited per client IP (FORM_SUBMIT_THROTTLE_LIMIT per FORM_SUBMIT_THROTTLE_TTL_MS). ' +
      'All problems come back in one 400: `errors: [{ field: <field key>, messages: [...] }]`; nothing is stored then.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiCreatedResponse({ type: SubmissionReceiptDto, description: 'The submission and the ticket it became' })
  @ApiBadRequestResponse({ description: 'Validation failed: errors per field key' })
  @ApiUnauthorizedResponse({ description: 'The form needs a signed-in user' })
  @ApiForbiddenResponse({ description: 'Anonymous submission with the address of a staff or deactivated account' })
  @ApiNotFoundResponse({ description: 'Unknown or not published' })
  @ApiPayloadTooLargeResponse({
    description: 'A file is larger than FORM_MAX_ATTACHMENT_BYTES, or the declared body larger than 20 of them',
  })
  @ApiTooManyRequestsResponse({ description: 'Rate limit' })
  @ApiServiceUnavailableResponse({
    description:
      'Too many upload bytes in flight (FORM_UPLOAD_MAX_INFLIGHT_BYTES); retry after the Retry-After seconds',
  })
  submit(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SubmitFormDto,
    @UploadedFiles() files: UploadedFileLike[] | undefined,
  ): Promise<SubmissionReceiptDto> {
    return this.submissions.submit(user, id, dto, files ?? []);
  }

  @Roles(...EVERYONE)
  @Get()
  @ApiOperation({
    summary: 'List submissions (staff: all; customers: their own), newest first',
    description: 'Filter by answers with `answer.<key>=value` (repeatable; JSONB containment, GIN-indexed).',
  })
  @ApiPageResponse(FormSubmissionSummaryDto, { description: 'A page of submissions, newest first' })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  @ApiQuery({ name: 'status', required: false, enum: ['RECEIVED', 'TICKET_CREATED', 'REJECTED', 'SPAM'] })
  @ApiQuery({ name: 'from', required: false, type: String, description: 'ISO date-time, inclusive' })
  @ApiQuery({ name: 'to', required: false, type: String, description: 'ISO date-time, exclusive' })
  @ApiQuery({
    name: 'answer.<key>',
    required: false,
    type: String,
    description: 'Answer of field <key> equals (contains, for lists)',
  })
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @QueryWithoutAnswers(queryPipe) query: ListSubmissionsQueryDto,
    @AnswerFilters() answers: Record<string, string[]>,
  ): Promise<Paginated<FormSubmissionSummaryDto>> {
    return this.submissions.list(user, id, query, answers);
  }

  @Roles(...EVERYONE)
  @Get(':submissionId')
  @ApiOperation({ summary: 'One submission with the definition of the version it was validated against' })
  @ApiOkResponse({ type: FormSubmissionDto, description: 'The submission, its answers and attachments' })
  @ApiNotFoundResponse({ description: 'Unknown, or not the caller’s own (customers)' })
  get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('submissionId', new ParseUUIDPipe()) submissionId: string,
  ): Promise<FormSubmissionDto> {
    return this.submissions.get(user, id, submissionId);
  }

  @Roles(...EVERYONE)
  @Get(':submissionId/attachments/:attachmentId')
  @ApiOperation({ summary: 'Download a file uploaded with a submission' })
  @ApiOkResponse({
    description: 'The file, with its stored content type',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiFoundResponse(DOWNLOAD_REDIRECT_DOC)
  @ApiNotFoundResponse({ description: 'Unknown, or not the caller’s own submission (customers)' })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('submissionId', new ParseUUIDPipe()) submissionId: string,
    @Param('attachmentId', new ParseUUIDPipe()) attachmentId: string,
    @Res() res: Response,
  ): Promise<void> {
    const { attachment } = await this.submissions.openAttachment(user, id, submissionId, attachmentId);
    await this.downloads.send(res, attachment, 'attachment');
  }
}
