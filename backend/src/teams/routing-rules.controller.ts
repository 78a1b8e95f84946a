import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { TicketPriority, UserRole } from '@nixflow/db/client';
import { normalizeTags } from '@nixflow/core';
import { RoutingRulesService } from '@nixflow/domain';
import { Roles } from '../auth/decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { PrismaService } from '../prisma/prisma.service.js';
import {
  CreateRoutingRuleDto,
  RoutingDryRunDto,
  RoutingDryRunResultDto,
  RoutingRuleDto,
  UpdateRoutingRuleDto,
} from './dto/routing-rules.dto.js';
import { ruleView } from './team-views.js';

const UUID = new ParseUUIDPipe();

@ApiTags('teams')
@ApiBearerAuth()
@Roles(UserRole.ADMIN)
@Controller('routing-rules')
export class RoutingRulesController {
  constructor(
    private readonly rules: RoutingRulesService,
    private readonly prisma: PrismaService,
  ) {}

  @Get()
  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @ApiOperation({ summary: 'Routing rules in evaluation order' })
  @ApiOkResponse({ type: [RoutingRuleDto] })
  async list(): Promise<RoutingRuleDto[]> {
    return (await this.rules.list()).map(ruleView);
  }

  @Post()
  @ApiOperation({ summary: 'Create a routing rule (at least one action)' })
  @ApiCreatedResponse({ type: RoutingRuleDto })
  async create(@Body() dto: CreateRoutingRuleDto): Promise<RoutingRuleDto> {
    return ruleView(
      await this.rules.create({ ...dto, conditions: dto.conditions ? { ...dto.conditions } : undefined }),
    );
  }

  @Post('dry-run')
  @HttpCode(HttpStatus.OK)
  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @ApiOperation({ summary: 'Which rule would fire for a sample ticket, and what it would do' })
  @ApiOkResponse({ type: RoutingDryRunResultDto })
  async dryRun(@Body() dto: RoutingDryRunDto): Promise<RoutingDryRunResultDto> {
    const priority = dto.priority ?? TicketPriority.NORMAL;
    const tags = normalizeTags(dto.tags);
    const outcome = await this.rules.route(this.prisma, {
      ...dto,
      priority,
      tags,
      subject: dto.subject ?? '',
      description: dto.description ?? '',
    });
    return {
      rule: outcome.rule ? ruleView(outcome.rule) : null,
      teamId: outcome.teamId,
      priority: outcome.priority ?? priority,
      tags: normalizeTags([...tags, ...outcome.addTags]),
    };
  }

  @Get(':id')
  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @ApiOperation({ summary: 'One routing rule' })
  @ApiOkResponse({ type: RoutingRuleDto })
  @ApiErrors(404)
  async get(@Param('id', UUID) id: string): Promise<RoutingRuleDto> {
    return ruleView(await this.rules.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a routing rule' })
  @ApiOkResponse({ type: RoutingRuleDto })
  @ApiErrors(404)
  async update(@Param('id', UUID) id: string, @Body() dto: UpdateRoutingRuleDto): Promise<RoutingRuleDto> {
    return ruleView(
      await this.rules.update(id, { ...dto, conditions: dto.conditions ? { ...dto.conditions } : undefined }),
    );
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a routing rule' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  remove(@Param('id', UUID) id: string): Promise<void> {
    return this.rules.delete(id);
  }
}
