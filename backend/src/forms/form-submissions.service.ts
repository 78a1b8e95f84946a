import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { addError, composeTicket, parseDateTime, parseEmail, type FieldErrors, type FileMeta } from '@nixflow/core';
import {
  FormStatus,
  FormSubmissionStatus,
  Prisma,
  TicketChannel,
  UserRole,
  type CustomForm,
  type TicketPriority,
} from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import {
  ALLOWED_ATTACHMENT_TYPES,
  contentTypeOf,
  displayFileName,
  storeUpload,
  type StoredUpload,
  type UploadedFileLike,
} from '../common/attachment-storage.js';
import { AttachmentFiles } from '@nixflow/storage';
import { pageArgs, paginated } from '../common/pagination.js';
import { EventsService } from '@nixflow/domain';
import { PrismaService } from '../prisma/prisma.service.js';
import { TICKET_TX_OPTIONS } from '@nixflow/domain';
import { TicketsService } from '@nixflow/domain';
import type { ListSubmissionsQueryDto, SubmitFormDto } from './dto/submission.dto.js';
import { fieldView, throwIfErrors, toFieldDefinition } from './form-fields.js';
import { FormAnswersValidator } from './form-answers.validator.js';
import { formMaxAttachmentBytes } from './form-upload-limits.js';
import { FormsService } from './forms.service.js';
import type { Tx } from '@nixflow/domain';

interface TicketDefaults {
  priority?: TicketPriority;
  workflowId?: string;
  tags?: string[];
  assigneeId?: string;
  subjectTemplate?: string;
  teamId?: string;
}

const isStaff = (user?: AuthUser) => user?.role === UserRole.ADMIN || user?.role === UserRole.AGENT;

const ATTACHMENT_SELECT = {
  id: true,
  fieldKey: true,
  fileName: true,
  contentType: true,
  sizeBytes: true,
  createdAt: true,
} as const;

@Injectable()
export class FormSubmissionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly forms: FormsService,
    private readonly tickets: TicketsService,
    private readonly events: EventsService,
    private readonly files: AttachmentFiles,
    private readonly answers: FormAnswersValidator,
  ) {}

  /**
   * Validates a submission against the published version's JSON Schema (every error in one 400, nothing
   * written), then
   * stores its files and, in one transaction, the requester (anonymous: found or created as a customer),
   * the ticket (channel FORM, the form's defaults, SLA via TicketsService) and the FormSubmission.
   */
  async submit(user: AuthUser | undefined, formId: string, dto: SubmitFormDto, uploads: UploadedFileLike[] = []) {
    const form = await this.assertAcceptsSubmissions(user, formId);
    const version = form.publishedVersion;
    const fields = (await this.forms.fieldsOf(form.id, version)).map(toFieldDefinition);

    // No prototype: a part named __proto__ is just an unknown field.
    const filesByKey = Object.create(null) as Record<string, FileMeta[]>;
    const uploadsByKey = new Map<string, UploadedFileLike[]>();
    for (const file of uploads) {
      const key = file.fieldname ?? 'file';
      // The original name (never used on disk) is what answers and the ticket show.
      const meta = {
        fileName: displayFileName(file.originalname),
        contentType: contentTypeOf(file),
        sizeBytes: file.size,
      };
      (filesByKey[key] ??= []).push(meta);
      uploadsByKey.set(key, [...(uploadsByKey.get(key) ?? []), file]);
    }
    const published = {
      id: form.id,
      name: form.name,
      description: form.description,
      version,
      allowAnonymous: form.allowAnonymous,
      fields,
    };
    const result = this.answers.check(published, dto.answers, filesByKey, {
      defaultFileTypes: [...ALLOWED_ATTACHMENT_TYPES],
      maxFileBytes: formMaxAttachmentBytes(),
    });
    const errors: FieldErrors = { ...result.errors };
    let email = user?.email;
    if (!user) {
      const parsed = dto.email ? parseEmail(dto.email) : null;
      if (!parsed) addError(errors, 'email', 'is required for a submission without an account');
      else if (!parsed.ok) addError(errors, 'email', parsed.error);
      else email = parsed.value.toLowerCase();
    }
    throwIfErrors(errors);

    const submissionId = randomUUID();
    const dir = ['forms', form.id, submissionId];
    const stored: Array<StoredUpload & { fieldKey: string }> = [];
    try {
      for (const field of fields) {
        if (field.type !== 'FILE' || !result.visible.has(field.key)) continue;
        for (const file of uploadsByKey.get(field.key) ?? []) {
          stored.push({ fieldKey: field.key, ...(await storeUpload(this.files, dir, file)) });
        }
      }
      const { subject, description } = composeTicket({
        formName: form.name,
        formVersion: version,
        fields,
        values: result.values,
        subjectTemplate: defaultsOf(form).subjectTemplate,
      });
      return await this.prisma.$transaction(async (tx) => {
        // Anonymous: the given address is an unverified contact, never matched to an account (that would
        // file strangers' tickets in a customer's account, and answer differently for staff addresses).
        const requesterId = user ? user.id : await unverifiedContactId(tx);
        const defaults = defaultsOf(form);
        const ticket = await this.tickets.createInTx(
          tx,
          {
            subject,
            description,
            channel: TicketChannel.FORM,
            requesterId,
            formId: form.id,
            priority: defaults.priority,
            workflowId: defaults.workflowId ?? null,
            tags: defaults.tags ?? [],
            assigneeId: defaults.assigneeId ?? null,
            // teams (#23): the form's team, and the submitter's address for requester-domain rules.
            teamId: defaults.teamId ?? null,
            contactEmail: email ?? null,
            systemRequester: !user,
          },
          user ? { id: user.id, role: user.role } : null,
        );
        const submission = await tx.formSubmission.create({
          data: {
            id: submissionId,
            formId: form.id,
            formVersion: version,
            submitterId: user?.id ?? null,
            submitterEmail: email ?? null,
            submitterEmailVerified: !!user,
            answers: result.values as Prisma.InputJsonValue,
            status: FormSubmissionStatus.TICKET_CREATED,
            ticketId: ticket.id,
          },
        });
        if (stored.length) {
          await tx.formSubmissionAttachment.createMany({
            data: stored.map((s) => ({
              submissionId,
              fieldKey: s.fieldKey,
              fileName: s.fileName,
              contentType: s.contentType,
              sizeBytes: s.sizeBytes,
              storagePath: s.storagePath,
            })),
          });
        }
        await this.events.append(tx, {
          type: 'FormSubmitted',
          aggregateType: 'FormSubmission',
          aggregateId: submissionId,
          actorId: user?.id ?? null,
          payload: { formId: form.id, formVersion: version, ticketId: ticket.id, anonymous: !user },
        });
        return {
          id: submission.id,
          formId: form.id,
          formVersion: version,
          status: submission.status,
          ticketId: ticket.id,
          ticketNumber: ticket.number,
          attachments: stored.length,
          createdAt: submission.createdAt,
        };
      }, TICKET_TX_OPTIONS);
    } catch (err) {
      if (stored.length) await this.files.removeFolder(dir).catch(() => undefined);
      await this.files.removeFolderIfEmpty(['forms', form.id]);
      throw err;
    }
  }

  /**
   * The form when it takes submissions from this caller: published (404 otherwise) and, for an anonymous
   * caller, open to anonymous submissions (401). The upload interceptor calls it before reading the body.
   */
  async assertAcceptsSubmissions(
    user: AuthUser | undefined,
    formId: string,
  ): Promise<CustomForm & { publishedVersion: number }> {
    const form = await this.prisma.customForm.findFirst({ where: { id: formId, deletedAt: null } });
    if (!form || form.status !== FormStatus.PUBLISHED || form.publishedVersion === null) {
      throw new NotFoundException('Form not found');
    }
    if (!user && !form.allowAnonymous) throw new UnauthorizedException('Sign in to submit this form');
    return form as CustomForm & { publishedVersion: number };
  }

  async list(user: AuthUser, formId: string, q: ListSubmissionsQueryDto, answerFilters: Record<string, string[]>) {
    // Customers keep access to their own submissions after the form is archived.
    const form = await this.forms.findActive(formId);
    const conditions: Prisma.Sql[] = [Prisma.sql`s."formId" = ${form.id}::uuid`];
    if (!isStaff(user)) conditions.push(Prisma.sql`s."submitterId" = ${user.id}::uuid`);
    if (q.status) conditions.push(Prisma.sql`s.status = ${q.status}::"FormSubmissionStatus"`);
    if (q.from) conditions.push(Prisma.sql`s."createdAt" >= ${new Date(q.from)}`);
    if (q.to) conditions.push(Prisma.sql`s."createdAt" < ${new Date(q.to)}`);
    for (const fragment of await this.answerContainment(form, answerFilters)) {
      conditions.push(Prisma.sql`s.answers @> ${JSON.stringify(fragment)}::jsonb`);
    }
    const where = Prisma.join(conditions, ' AND ');
    const { skip, take } = pageArgs(q);
    const [ids, counted] = await Promise.all([
      this.prisma.$queryRaw<Array<{ id: string }>>`
        SELECT s.id FROM "FormSubmission" s WHERE ${where} ORDER BY s."createdAt" DESC, s.id DESC LIMIT ${take} OFFSET ${skip}`,
      this.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM "FormSubmission" s WHERE ${where}`,
    ]);
    const rows = await this.prisma.formSubmission.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      include: { ticket: { select: { id: true, number: true, status: true } } },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const items = ids
      .map((r) => byId.get(r.id)!)
      .filter(Boolean)
      .map(submissionSummary);
    return paginated(items, Number(counted[0]?.n ?? 0), q.page, q.pageSize);
  }

  /**
   * `answer.<key>=value` filters as JSONB containment fragments ({ key: value }), which the GIN index on
   * answers serves. Values are typed by the field (latest definition): numbers, booleans, and for
   * MULTISELECT "contains this option".
   */
  private async answerContainment(form: CustomForm, filters: Record<string, string[]>): Promise<object[]> {
    const keys = Object.keys(filters);
    if (!keys.length) return [];
    const rows = await this.prisma.formField.findMany({
      where: { formId: form.id, key: { in: keys } },
      orderBy: { formVersion: 'desc' },
    });
    const errors: FieldErrors = {};
    const out: object[] = [];
    for (const key of keys) {
      const field = rows.find((r) => r.key === key);
      if (!field) {
        addError(errors, `answer.${key}`, 'is not a field of this form');
        continue;
      }
      for (const raw of filters[key]!) {
        let value: unknown = raw;
        if (field.type === 'NUMBER') {
          value = Number(raw);
          if (raw.trim() === '' || !Number.isFinite(value)) addError(errors, `answer.${key}`, 'must be a number');
        } else if (field.type === 'CHECKBOX') {
          if (raw !== 'true' && raw !== 'false') addError(errors, `answer.${key}`, 'must be true or false');
          value = raw === 'true';
        } else if (field.type === 'DATETIME') {
          const parsed = parseDateTime(raw);
          if (parsed.ok) value = parsed.value;
          else addError(errors, `answer.${key}`, parsed.error);
        } else if (field.type === 'MULTISELECT') value = [raw];
        else if (field.type === 'FILE') addError(errors, `answer.${key}`, 'file fields cannot be filtered');
        out.push({ [key]: value });
      }
    }
    throwIfErrors(errors);
    return out;
  }

  /** One submission with the definition of the version it was validated against. */
  async get(user: AuthUser, formId: string, submissionId: string) {
    const submission = await this.prisma.formSubmission.findFirst({
      where: { id: submissionId, formId, form: { deletedAt: null } },
      include: {
        ticket: { select: { id: true, number: true, status: true, subject: true } },
        attachments: { select: ATTACHMENT_SELECT, orderBy: { createdAt: 'asc' } },
      },
    });
    if (!submission || (!isStaff(user) && submission.submitterId !== user.id)) {
      throw new NotFoundException('Submission not found');
    }
    const fields = await this.forms.fieldsOf(formId, submission.formVersion);
    return {
      ...submissionSummary(submission),
      answers: submission.answers,
      attachments: submission.attachments,
      definition: { version: submission.formVersion, fields: fields.map(fieldView) },
    };
  }

  /** An attachment's metadata (same visibility as the submission); the controller sends its bytes. */
  async openAttachment(user: AuthUser, formId: string, submissionId: string, attachmentId: string) {
    const attachment = await this.prisma.formSubmissionAttachment.findFirst({
      where: { id: attachmentId, submissionId, submission: { formId, form: { deletedAt: null } } },
      include: { submission: { select: { submitterId: true } } },
    });
    if (!attachment || (!isStaff(user) && attachment.submission.submitterId !== user.id)) {
      throw new NotFoundException('Attachment not found');
    }
    return { attachment };
  }
}

function defaultsOf(form: CustomForm): TicketDefaults {
  const d = form.ticketDefaults;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as TicketDefaults) : {};
}

/** The requester of anonymous submissions: inactive, no password, so nobody signs in, is notified or mails as it. */
export const UNVERIFIED_CONTACT_EMAIL = 'unverified-form-contact@nixflow.invalid';

async function unverifiedContactId(tx: Tx): Promise<string> {
  // ON CONFLICT: concurrent first submissions agree on one row.
  await tx.$executeRaw`
    INSERT INTO "User" ("id", "email", "name", "role", "isActive", "passwordHash", "updatedAt")
    VALUES (gen_random_uuid(), ${UNVERIFIED_CONTACT_EMAIL}, 'Unverified form contact', 'CUSTOMER', false, NULL, now())
    ON CONFLICT ("email") DO NOTHING`;
  const row = await tx.user.findUniqueOrThrow({ where: { email: UNVERIFIED_CONTACT_EMAIL }, select: { id: true } });
  return row.id;
}

function submissionSummary(s: {
  id: string;
  formId: string;
  formVersion: number;
  status: FormSubmissionStatus;
  submitterId: string | null;
  submitterEmail: string | null;
  submitterEmailVerified: boolean;
  ticketId: string | null;
  createdAt: Date;
  ticket?: { id: string; number: number; status: string } | null;
}) {
  return {
    id: s.id,
    formId: s.formId,
    formVersion: s.formVersion,
    status: s.status,
    submitterId: s.submitterId,
    submitterEmail: s.submitterEmail,
    submitterEmailVerified: s.submitterEmailVerified,
    ticketId: s.ticketId,
    ticket: s.ticket ? { id: s.ticket.id, number: s.ticket.number, status: s.ticket.status } : null,
    createdAt: s.createdAt,
  };
}
