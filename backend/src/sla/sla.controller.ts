import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import {
  CreateSlaPolicyDto,
  SlaPolicyDto,
  SlaPolicyPreviewDto,
  SlaPolicyPreviewDtoResult,
  SlaPolicyPreviewQueryDto,
  UpdateSlaPolicyDto,
} from './dto/sla-policy.dto.js';
import { SlaPolicyPreviewService } from './sla-policy-preview.service.js';
import {
  ListSlaBreachesQueryDto,
  ListSlaMetricsQueryDto,
  SlaBreachDto,
  SlaDashboardDto,
  SlaDashboardQueryDto,
  SlaMetricDto,
  SlaMetricListItemDto,
} from './dto/sla-query.dto.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { SlaReportsService } from './sla-reports.service.js';
import { ApiPageResponse } from '../common/api-docs.js';
import type { Paginated } from '../common/pagination.js';

const STAFF = [UserRole.ADMIN, UserRole.AGENT];

@ApiTags('sla')
@ApiBearerAuth()
@Controller()
export class SlaController {
  constructor(
    private readonly policies: SlaPoliciesService,
    private readonly reports: SlaReportsService,
    private readonly previews: SlaPolicyPreviewService,
  ) {}

  @Get('sla/policies')
  @ApiOperation({ summary: 'List SLA policies' })
  @Roles(...STAFF)
  @ApiOkResponse({ type: [SlaPolicyDto] })
  listPolicies(): Promise<SlaPolicyDto[]> {
    return this.policies.list();
  }

  @Post('sla/policies')
  @ApiOperation({ summary: 'Create an SLA policy' })
  @Roles(UserRole.ADMIN)
  @ApiCreatedResponse({ type: SlaPolicyDto })
  createPolicy(@Body() dto: CreateSlaPolicyDto): Promise<SlaPolicyDto> {
    return this.policies.create(dto);
  }

  /** Declared before :id routes. Writes nothing. */
  @Post('sla/policies/preview')
  @ApiOperation({ summary: 'Preview which open tickets a candidate policy would govern and how (writes nothing)' })
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SlaPolicyPreviewDtoResult })
  previewPolicy(
    @Body() dto: SlaPolicyPreviewDto,
    @Query() q: SlaPolicyPreviewQueryDto,
  ): Promise<SlaPolicyPreviewDtoResult> {
    return this.previews.preview(dto, q);
  }

  @Get('sla/policies/:id')
  @ApiOperation({ summary: 'One SLA policy' })
  @Roles(...STAFF)
  @ApiOkResponse({ type: SlaPolicyDto })
  getPolicy(@Param('id', new ParseUUIDPipe()) id: string): Promise<SlaPolicyDto> {
    return this.policies.get(id);
  }

  @Patch('sla/policies/:id')
  @ApiOperation({ summary: 'Change an SLA policy (recomputes its open metrics)' })
  @Roles(UserRole.ADMIN)
  @ApiOkResponse({ type: SlaPolicyDto })
  @ApiConflictResponse({ description: 'Stale version' })
  updatePolicy(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateSlaPolicyDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SlaPolicyDto> {
    return this.policies.update(id, dto, user.id);
  }

  @Delete('sla/policies/:id')
  @ApiOperation({ summary: 'Delete an SLA policy' })
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  removePolicy(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.policies.remove(id, user.id);
  }

  @Get('sla/metrics')
  @ApiOperation({ summary: 'List SLA metrics' })
  @Roles(...STAFF)
  @ApiPageResponse(SlaMetricListItemDto)
  listMetrics(@Query() q: ListSlaMetricsQueryDto): Promise<Paginated<SlaMetricListItemDto>> {
    return this.reports.listMetrics(q);
  }

  @Get('sla/breaches')
  @ApiOperation({ summary: 'List SLA breaches' })
  @Roles(...STAFF)
  @ApiPageResponse(SlaBreachDto)
  listBreaches(@Query() q: ListSlaBreachesQueryDto): Promise<Paginated<SlaBreachDto>> {
    return this.reports.listBreaches(q);
  }

  @Post('sla/breaches/:id/acknowledge')
  @ApiOperation({ summary: 'Acknowledge an SLA breach' })
  @Roles(...STAFF)
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SlaBreachDto })
  acknowledge(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<SlaBreachDto> {
    return this.reports.acknowledge(id, user);
  }

  @Get('sla/dashboard')
  @ApiOperation({ summary: 'SLA dashboard: met, breached and at-risk counts' })
  @Roles(...STAFF)
  @ApiOkResponse({ type: SlaDashboardDto })
  dashboard(@Query() q: SlaDashboardQueryDto): Promise<SlaDashboardDto> {
    return this.reports.dashboard(q);
  }

  /** Staff: full metrics. Customers: their own ticket's metrics without policy internals (others: 404). */
  @Get('tickets/:id/sla')
  @ApiOperation({ summary: "A ticket's SLA metrics" })
  @ApiOkResponse({ type: [SlaMetricDto] })
  ticketSla(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<SlaMetricDto[]> {
    return this.reports.ticketMetrics(id, user);
  }
}
