import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole, type Stage } from '@nixflow/db/client';
import { Roles } from '../auth/decorators.js';
import {
  CreateStageDto,
  CreateWorkflowDto,
  StageDto,
  UpdateStageDto,
  UpdateWorkflowDto,
  WorkflowDto,
} from './dto/workflows.dto.js';
import { WorkflowsService, type WorkflowView } from './workflows.service.js';

const UUID = new ParseUUIDPipe();

@ApiTags('workflows')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT)
@Controller('workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Get()
  @ApiOperation({ summary: 'List workflows' })
  @ApiOkResponse({ type: [WorkflowDto] })
  list(): Promise<WorkflowView[]> {
    return this.workflows.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a workflow' })
  @Roles(UserRole.ADMIN)
  @ApiCreatedResponse({ type: WorkflowDto })
  @ApiConflictResponse({ description: 'Name already used' })
  create(@Body() dto: CreateWorkflowDto): Promise<WorkflowView> {
    return this.workflows.create(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One workflow with its stages' })
  @ApiOkResponse({ type: WorkflowDto })
  get(@Param('id', UUID) id: string): Promise<WorkflowView> {
    return this.workflows.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a workflow' })
  @Roles(UserRole.ADMIN)
  @ApiOkResponse({ type: WorkflowDto })
  update(@Param('id', UUID) id: string, @Body() dto: UpdateWorkflowDto): Promise<WorkflowView> {
    return this.workflows.update(id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a workflow' })
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Used by tickets, or the default workflow' })
  remove(@Param('id', UUID) id: string): Promise<void> {
    return this.workflows.remove(id);
  }

  @Post(':id/stages')
  @Roles(UserRole.ADMIN)
  @ApiOperation({ summary: 'Add a stage (at `position`, default last)' })
  @ApiCreatedResponse({ type: StageDto })
  addStage(@Param('id', UUID) id: string, @Body() dto: CreateStageDto): Promise<Stage> {
    return this.workflows.addStage(id, dto);
  }

  @Patch(':id/stages/:stageId')
  @ApiOperation({ summary: 'Change a stage (name, position, status, allowed transitions)' })
  @Roles(UserRole.ADMIN)
  @ApiOkResponse({ type: StageDto })
  updateStage(
    @Param('id', UUID) id: string,
    @Param('stageId', UUID) stageId: string,
    @Body() dto: UpdateStageDto,
  ): Promise<Stage> {
    return this.workflows.updateStage(id, stageId, dto);
  }

  @Delete(':id/stages/:stageId')
  @ApiOperation({ summary: 'Delete a stage' })
  @Roles(UserRole.ADMIN)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Tickets are at this stage' })
  removeStage(@Param('id', UUID) id: string, @Param('stageId', UUID) stageId: string): Promise<void> {
    return this.workflows.removeStage(id, stageId);
  }
}
