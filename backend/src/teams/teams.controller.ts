import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { TeamsService, type TeamStatusCounts } from '@nixflow/domain';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import {
  AddTeamMemberDto,
  AvailabilityDto,
  CreateTeamDto,
  TeamCountsDto,
  TeamDto,
  UpdateAvailabilityDto,
  UpdateOwnAvailabilityDto,
  UpdateTeamDto,
} from './dto/teams.dto.js';
import { teamInput, teamView } from './team-views.js';

const UUID = new ParseUUIDPipe();

@ApiTags('teams')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT)
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ApiOperation({ summary: 'List teams with their members' })
  @ApiOkResponse({ type: [TeamDto] })
  async list(): Promise<TeamDto[]> {
    return (await this.teams.list()).map(teamView);
  }

  @Get('counts')
  @ApiOperation({ summary: 'Live tickets per team and status, for a sidebar (teamId null: no team)' })
  @ApiOkResponse({ type: [TeamCountsDto] })
  counts(): Promise<TeamStatusCounts[]> {
    return this.teams.counts();
  }

  @Patch('availability/me')
  @ApiOperation({ summary: 'Mark yourself away (auto-assignment skips you) or back' })
  @ApiOkResponse({ type: AvailabilityDto })
  setOwnAvailability(@CurrentUser() user: AuthUser, @Body() dto: UpdateOwnAvailabilityDto): Promise<AvailabilityDto> {
    return this.teams.setAvailability(user.id, { isAway: dto.isAway });
  }

  @Patch('availability/:userId')
  @Roles(UserRole.ADMIN)
  @ApiOperation({ summary: "An agent's availability: away, and capacity (most open tickets auto-assigned)" })
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiErrors(404)
  setAvailability(@Param('userId', UUID) userId: string, @Body() dto: UpdateAvailabilityDto): Promise<AvailabilityDto> {
    return this.teams.setAvailability(userId, dto);
  }

  @Post()
  @Roles(UserRole.ADMIN)
  @ApiOperation({ summary: 'Create a team' })
  @ApiCreatedResponse({ type: TeamDto })
  @ApiErrors(409)
  async create(@Body() dto: CreateTeamDto): Promise<TeamDto> {
    return teamView(await this.teams.create({ ...teamInput(dto), name: dto.name }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One team' })
  @ApiOkResponse({ type: TeamDto })
  @ApiErrors(404)
  async get(@Param('id', UUID) id: string): Promise<TeamDto> {
    return teamView(await this.teams.get(id));
  }

  @Patch(':id')
  @Roles(UserRole.ADMIN)
  @ApiOperation({ summary: 'Change a team (memberIds replaces the members)' })
  @ApiOkResponse({ type: TeamDto })
  @ApiErrors(404, 409)
  async update(@Param('id', UUID) id: string, @Body() dto: UpdateTeamDto): Promise<TeamDto> {
    return teamView(await this.teams.update(id, teamInput(dto)));
  }

  @Delete(':id')
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a team (its tickets leave its queue); 409 while a rule or macro names it' })
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  remove(@Param('id', UUID) id: string): Promise<void> {
    return this.teams.delete(id);
  }

  @Post(':id/members')
  @Roles(UserRole.ADMIN)
  @ApiOperation({ summary: 'Add a member (an active agent or admin)' })
  @ApiCreatedResponse({ type: TeamDto })
  @ApiErrors(404)
  async addMember(@Param('id', UUID) id: string, @Body() dto: AddTeamMemberDto): Promise<TeamDto> {
    return teamView(await this.teams.addMember(id, dto.userId));
  }

  @Delete(':id/members/:userId')
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a member' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  removeMember(@Param('id', UUID) id: string, @Param('userId', UUID) userId: string): Promise<void> {
    return this.teams.removeMember(id, userId);
  }
}
