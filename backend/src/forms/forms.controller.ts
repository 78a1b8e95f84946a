import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public, Roles } from '../auth/decorators.js';
import { OptionalAuthGuard } from '../knowledge-base/optional-auth.guard.js';
import { CreateFormDto, ListFormsQueryDto, UpdateFormDto } from './dto/form.dto.js';
import { ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';
import { FormDto, FormSummaryDto, FormVersionDto } from './dto/form-responses.dto.js';
import { FormsService } from './forms.service.js';

const STAFF = [UserRole.ADMIN, UserRole.AGENT];
const EVERYONE = [UserRole.ADMIN, UserRole.AGENT, UserRole.CUSTOMER];

const SCHEMA_DESCRIPTION = `The published version of the form as a rendering contract:
- \`schema\`: a JSON Schema (draft 2020-12) of the \`answers\` object (types, formats, lengths, patterns, options as \`oneOf\` const/title, required fields; a conditional field's rules, and its being required, in \`allOf\` if (shown) / then). The server validates submissions with this very schema.
- \`ui.order\` / \`ui.fields\`: display order, label, help text, widget (text, textarea, number, email, url, tel, date, datetime-local, select, multiselect, checkbox, radio, file), options, default, and \`visibleWhen\` ({ field, equals | in | notEquals }: show the field only when the earlier field is shown and its answer matches; for a MULTISELECT answer "contains").
- \`multipart\`: true when the form has FILE fields: submit as multipart/form-data with an \`answers\` JSON part and files in parts named after their field key.
Answers of hidden fields are ignored; a hidden required field is not required. Public when the form allows anonymous submissions, otherwise a bearer token is needed.`;

@ApiTags('forms')
@ApiBearerAuth()
@Controller('forms')
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Roles(...EVERYONE)
  @Get()
  @ApiOperation({ summary: 'List forms (customers: published ones only)' })
  @ApiPageResponse(FormSummaryDto, { description: 'A page of forms, by name' })
  list(@CurrentUser() user: AuthUser, @Query() query: ListFormsQueryDto): Promise<Paginated<FormSummaryDto>> {
    return this.forms.list(user, query);
  }

  @Roles(...STAFF)
  @Post()
  @ApiOperation({ summary: 'Create a form (version 1, draft) with its ordered fields' })
  @ApiCreatedResponse({ type: FormDto })
  create(@Body() dto: CreateFormDto): Promise<FormDto> {
    return this.forms.create(dto);
  }

  @Roles(...EVERYONE)
  @Get(':id')
  @ApiOperation({ summary: 'A form: staff see the current (possibly draft) version, customers the published one' })
  @ApiOkResponse({ type: FormDto, description: 'The form with its fields' })
  @ApiNotFoundResponse({ description: 'Unknown, deleted, or not published (customers)' })
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<FormDto> {
    return this.forms.get(user, id);
  }

  @Roles(...STAFF)
  @Patch(':id')
  @ApiOperation({
    summary: 'Edit a form; `fields` replaces the whole list (a new draft version when the current one is published)',
  })
  @ApiOkResponse({ type: FormDto })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateFormDto): Promise<FormDto> {
    return this.forms.update(id, dto);
  }

  @Roles(...STAFF)
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a form (soft: its submissions and tickets stay)' })
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.forms.remove(id);
  }

  @Roles(...STAFF)
  @Post(':id/publish')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Publish the current version (it becomes immutable)' })
  @ApiOkResponse({ type: FormDto })
  publish(@Param('id', new ParseUUIDPipe()) id: string): Promise<FormDto> {
    return this.forms.publish(id);
  }

  @Roles(...STAFF)
  @Post(':id/archive')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Archive a form (no longer listed for customers, no new submissions)' })
  @ApiOkResponse({ type: FormDto })
  archive(@Param('id', new ParseUUIDPipe()) id: string): Promise<FormDto> {
    return this.forms.archive(id);
  }

  @Public()
  @UseGuards(OptionalAuthGuard)
  @Get(':id/schema')
  @ApiOperation({
    summary: 'Rendering contract of the published version (JSON Schema + UI hints)',
    description: SCHEMA_DESCRIPTION,
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        formId: { type: 'string', format: 'uuid' },
        version: { type: 'integer' },
        name: { type: 'string' },
        description: { type: 'string', nullable: true },
        allowAnonymous: { type: 'boolean' },
        multipart: { type: 'boolean' },
        schema: { type: 'object', description: 'JSON Schema draft 2020-12 of the answers object' },
        ui: {
          type: 'object',
          properties: {
            order: { type: 'array', items: { type: 'string' } },
            fields: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  key: { type: 'string' },
                  label: { type: 'string' },
                  helpText: { type: 'string', nullable: true },
                  type: { type: 'string' },
                  widget: { type: 'string' },
                  required: { type: 'boolean' },
                  defaultValue: {},
                  options: {
                    type: 'array',
                    items: { type: 'object', properties: { value: { type: 'string' }, label: { type: 'string' } } },
                  },
                  visibleWhen: { type: 'object', nullable: true },
                  accept: { type: 'array', items: { type: 'string' } },
                  maxFileBytes: { type: 'integer' },
                  maxFiles: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
  })
  @ApiUnauthorizedResponse({ description: 'The form does not allow anonymous use and no token was sent' })
  @ApiNotFoundResponse({ description: 'Unknown or not published' })
  schema(@CurrentUser() user: AuthUser | undefined, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.forms.schema(user, id);
  }

  @Roles(...EVERYONE)
  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'The fields of one version (customers: the published version only)' })
  @ApiOkResponse({ type: FormVersionDto })
  version(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<FormVersionDto> {
    return this.forms.version(user, id, version);
  }
}
