import { Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { buildFormRenderContract, validateFormDefinition, type FieldDefinition, type FieldErrors } from '@nixflow/core';
import { FormStatus, Prisma, UserRole, type CustomForm } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { pageArgs, paginated } from '../common/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateFormDto, ListFormsQueryDto, TicketDefaultsDto, UpdateFormDto } from './dto/form.dto.js';
import { FormAnswersValidator } from './form-answers.validator.js';
import { fieldRows, fieldView, plainFields, throwIfErrors, toFieldDefinition } from './form-fields.js';
import { lockRow, type Tx } from '@nixflow/domain';

const isStaff = (user?: AuthUser) => user?.role === UserRole.ADMIN || user?.role === UserRole.AGENT;

export function formSummary(form: CustomForm, staff: boolean) {
  const base = {
    id: form.id,
    name: form.name,
    description: form.description,
    status: form.status,
    allowAnonymous: form.allowAnonymous,
    createdAt: form.createdAt,
    updatedAt: form.updatedAt,
  };
  if (!staff) return { ...base, version: form.publishedVersion };
  return {
    ...base,
    version: form.version,
    publishedVersion: form.publishedVersion,
    hasUnpublishedChanges: form.publishedVersion !== form.version,
    ticketDefaults: form.ticketDefaults,
  };
}

/**
 * Form definitions. The field list is versioned: FormField rows belong to one formVersion. Editing the
 * fields of a form whose current version is published starts version + 1 (a draft); editing a draft
 * version replaces its rows. Publishing points publishedVersion at the current version.
 */
@Injectable()
export class FormsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly answers: FormAnswersValidator,
  ) {}

  async list(user: AuthUser, q: ListFormsQueryDto) {
    const staff = isStaff(user);
    const where: Prisma.CustomFormWhereInput = { deletedAt: null };
    if (!staff) where.status = FormStatus.PUBLISHED;
    if (q.status) where.status = staff || q.status === FormStatus.PUBLISHED ? q.status : { in: [] };
    if (q.q) where.name = { contains: q.q, mode: 'insensitive' };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.customForm.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(q) }),
      this.prisma.customForm.count({ where }),
    ]);
    return paginated(
      items.map((f) => formSummary(f, staff)),
      total,
      q.page,
      q.pageSize,
    );
  }

  async create(dto: CreateFormDto) {
    const fields = plainFields(dto.fields ?? []);
    const errors = this.definitionErrors(fields);
    Object.assign(errors, await this.ticketDefaultsErrors(dto.ticketDefaults));
    throwIfErrors(errors);
    const form = await this.prisma.$transaction(async (tx) => {
      const created = await tx.customForm.create({
        data: {
          name: dto.name,
          description: dto.description ?? null,
          allowAnonymous: dto.allowAnonymous ?? false,
          ticketDefaults: plainDefaults(dto.ticketDefaults),
          version: 1,
        },
      });
      if (fields.length) await tx.formField.createMany({ data: fieldRows(created.id, 1, fields) });
      return created;
    });
    return this.staffView(form);
  }

  async get(user: AuthUser, id: string) {
    const form = await this.findVisible(user, id);
    return isStaff(user) ? this.staffView(form) : this.customerView(form);
  }

  async update(id: string, dto: UpdateFormDto) {
    const fields = dto.fields ? plainFields(dto.fields) : undefined;
    const errors: FieldErrors = fields ? this.definitionErrors(fields) : {};
    Object.assign(errors, await this.ticketDefaultsErrors(dto.ticketDefaults));
    throwIfErrors(errors);
    const form = await this.prisma.$transaction(async (tx) => {
      const current = await this.lock(tx, id);
      let version = current.version;
      if (fields) {
        if (current.publishedVersion === current.version) version += 1;
        else await tx.formField.deleteMany({ where: { formId: id, formVersion: version } });
        if (fields.length) await tx.formField.createMany({ data: fieldRows(id, version, fields) });
      }
      return tx.customForm.update({
        where: { id },
        data: {
          version,
          name: dto.name,
          description: dto.description,
          allowAnonymous: dto.allowAnonymous,
          ticketDefaults: dto.ticketDefaults ? plainDefaults(dto.ticketDefaults) : undefined,
        },
      });
    });
    return this.staffView(form);
  }

  async publish(id: string) {
    const form = await this.prisma.$transaction(async (tx) => {
      const current = await this.lock(tx, id);
      const rows = await tx.formField.findMany({
        where: { formId: id, formVersion: current.version },
        orderBy: { position: 'asc' },
      });
      const errors = this.definitionErrors(rows.map(toFieldDefinition));
      if (!rows.length) errors.fields = ['a form needs at least one field to be published'];
      throwIfErrors(errors);
      return tx.customForm.update({
        where: { id },
        data: { status: FormStatus.PUBLISHED, publishedVersion: current.version },
      });
    });
    return this.staffView(form);
  }

  async archive(id: string) {
    await this.findActive(id);
    const form = await this.prisma.customForm.update({ where: { id }, data: { status: FormStatus.ARCHIVED } });
    return this.staffView(form);
  }

  async remove(id: string): Promise<void> {
    await this.findActive(id);
    await this.prisma.customForm.update({ where: { id }, data: { deletedAt: new Date() } });
  }

  async version(user: AuthUser, id: string, version: number) {
    const form = await this.findVisible(user, id);
    const allowed = isStaff(user) ? version >= 1 && version <= form.version : version === form.publishedVersion;
    if (!allowed) throw new NotFoundException('Form version not found');
    return {
      formId: form.id,
      version,
      published: version === form.publishedVersion,
      fields: (await this.fieldsOf(form.id, version)).map(fieldView),
    };
  }

  /** The rendering contract of the published version (GET /forms/:id/schema). */
  async schema(user: AuthUser | undefined, id: string) {
    const form = await this.prisma.customForm.findFirst({ where: { id, deletedAt: null } });
    if (!form || form.status !== FormStatus.PUBLISHED || form.publishedVersion === null) {
      throw new NotFoundException('Form not found');
    }
    if (!user && !form.allowAnonymous) throw new UnauthorizedException('Sign in to use this form');
    const rows = await this.fieldsOf(form.id, form.publishedVersion);
    return buildFormRenderContract({
      id: form.id,
      name: form.name,
      description: form.description,
      version: form.publishedVersion,
      allowAnonymous: form.allowAnonymous,
      fields: rows.map(toFieldDefinition),
    });
  }

  /** The definition's own rules, then (when it has none broken) its default values against the schema. */
  private definitionErrors(fields: readonly FieldDefinition[]): FieldErrors {
    const errors = validateFormDefinition(fields);
    return Object.keys(errors).length ? errors : this.answers.defaultValueErrors(fields);
  }

  fieldsOf(formId: string, version: number, db: Tx | PrismaService = this.prisma) {
    return db.formField.findMany({ where: { formId, formVersion: version }, orderBy: { position: 'asc' } });
  }

  async findActive(id: string): Promise<CustomForm> {
    const form = await this.prisma.customForm.findFirst({ where: { id, deletedAt: null } });
    if (!form) throw new NotFoundException('Form not found');
    return form;
  }

  /** Staff see every form; customers only published ones. */
  async findVisible(user: AuthUser | undefined, id: string): Promise<CustomForm> {
    const form = await this.findActive(id);
    if (!isStaff(user) && (form.status !== FormStatus.PUBLISHED || form.publishedVersion === null)) {
      throw new NotFoundException('Form not found');
    }
    return form;
  }

  private async lock(tx: Tx, id: string): Promise<CustomForm> {
    await lockRow(tx, 'CustomForm', id);
    const form = await tx.customForm.findFirst({ where: { id, deletedAt: null } });
    if (!form) throw new NotFoundException('Form not found');
    return form;
  }

  private async staffView(form: CustomForm) {
    const rows = await this.fieldsOf(form.id, form.version);
    return { ...formSummary(form, true), fields: rows.map(fieldView) };
  }

  private async customerView(form: CustomForm) {
    const rows = await this.fieldsOf(form.id, form.publishedVersion!);
    return { ...formSummary(form, false), fields: rows.map(fieldView) };
  }

  /** Workflow and assignee in the defaults must exist (the assignee: an active agent or admin). */
  private async ticketDefaultsErrors(d: TicketDefaultsDto | undefined): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (d?.workflowId && !(await this.prisma.workflow.findUnique({ where: { id: d.workflowId } }))) {
      errors['ticketDefaults.workflowId'] = ['workflow not found'];
    }
    // teams (#23): assigneeGroup became a team reference (teamId).
    if (d?.assigneeGroup !== undefined) {
      errors['ticketDefaults.assigneeGroup'] = ['was replaced by teamId: send the id of a team (GET /api/teams)'];
    }
    if (d?.teamId) {
      const team = await this.prisma.team.findUnique({ where: { id: d.teamId } });
      if (!team?.isActive) errors['ticketDefaults.teamId'] = ['must name an existing, active team'];
    }
    if (d?.assigneeId) {
      const u = await this.prisma.user.findUnique({ where: { id: d.assigneeId } });
      if (!u || u.deletedAt || !u.isActive || u.role === UserRole.CUSTOMER) {
        errors['ticketDefaults.assigneeId'] = ['must be an active agent or admin'];
      }
    }
    return errors;
  }
}

function plainDefaults(d: TicketDefaultsDto | undefined): Prisma.InputJsonValue {
  return d ? (JSON.parse(JSON.stringify(d)) as Prisma.InputJsonValue) : {};
}
