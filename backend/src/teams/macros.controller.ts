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
import { MacrosService } from '@nixflow/domain';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { ApplyMacroDto, CreateMacroDto, MacroApplicationDto, MacroDto, UpdateMacroDto } from './dto/macros.dto.js';
import { MacroApplicationService } from './macro-application.service.js';
import { macroView } from './team-views.js';

const UUID = new ParseUUIDPipe();

@ApiTags('teams')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT)
@Controller('macros')
export class MacrosController {
  constructor(
    private readonly macros: MacrosService,
    private readonly application: MacroApplicationService,
  ) {}

  @Get()
  @ApiOperation({ summary: "Macros you may use: shared, your teams' and your own" })
  @ApiOkResponse({ type: [MacroDto] })
  async list(@CurrentUser() user: AuthUser): Promise<MacroDto[]> {
    return (await this.macros.list(user)).map(macroView);
  }

  @Post()
  @ApiOperation({ summary: 'Create a macro (SHARED and TEAM: admins)' })
  @ApiCreatedResponse({ type: MacroDto })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateMacroDto): Promise<MacroDto> {
    return macroView(await this.macros.create(user, dto));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One macro' })
  @ApiOkResponse({ type: MacroDto })
  @ApiErrors(404)
  async get(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string): Promise<MacroDto> {
    return macroView(await this.macros.getVisible(user, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a macro (shared and team macros: admins; personal: the owner)' })
  @ApiOkResponse({ type: MacroDto })
  @ApiErrors(404)
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', UUID) id: string,
    @Body() dto: UpdateMacroDto,
  ): Promise<MacroDto> {
    return macroView(await this.macros.update(user, id, dto));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a macro' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string): Promise<void> {
    return this.macros.delete(user, id);
  }

  @Post(':id/apply')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Apply a macro to a ticket: field changes and the rendered reply, in one transaction' })
  @ApiOkResponse({ type: MacroApplicationDto })
  @ApiErrors(404, 409)
  apply(@CurrentUser() user: AuthUser, @Param('id', UUID) id: string, @Body() dto: ApplyMacroDto) {
    return this.application.apply(user, id, dto);
  }
}
