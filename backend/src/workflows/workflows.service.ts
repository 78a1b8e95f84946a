import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Prisma, Stage } from '@nixflow/db/client';
import { fieldError } from '../common/field-error.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateStageDto, CreateWorkflowDto, UpdateStageDto, UpdateWorkflowDto } from './dto/workflows.dto.js';
import { DefaultWorkflowCache, lockRowOrThrow, type Tx } from '@nixflow/domain';

const WITH_STAGES = { stages: { orderBy: [{ position: 'asc' }, { name: 'asc' }] } } satisfies Prisma.WorkflowInclude;
export type WorkflowView = Prisma.WorkflowGetPayload<{ include: typeof WITH_STAGES }>;

/**
 * Workflows and their ordered stages. Stage positions are kept dense (0..n-1); stage edits of one
 * workflow are serialised on its row lock. Exactly one workflow is the default (for new tickets).
 */
@Injectable()
export class WorkflowsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly defaultWorkflow: DefaultWorkflowCache,
  ) {}

  /** A write; then this process's next ticket re-reads the default workflow (its notice is still on its way). */
  private write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.defaultWorkflow.afterWrite(this.prisma.$transaction(fn));
  }

  list(): Promise<WorkflowView[]> {
    return this.prisma.workflow.findMany({ include: WITH_STAGES, orderBy: [{ isDefault: 'desc' }, { name: 'asc' }] });
  }

  async get(id: string): Promise<WorkflowView> {
    const wf = await this.prisma.workflow.findUnique({ where: { id }, include: WITH_STAGES });
    if (!wf) throw new NotFoundException('Workflow not found');
    return wf;
  }

  async create(dto: CreateWorkflowDto): Promise<WorkflowView> {
    const stages = dto.stages ?? [];
    if (stages.filter((s) => s.isInitial).length > 1) throw fieldError('stages', 'At most one stage can be initial');
    const id = await this.write(async (tx) => {
      // Serialise default changes: at most one default workflow at any time.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('nixflow:workflow-default'))`;
      const hasDefault = (await tx.workflow.count({ where: { isDefault: true } })) > 0;
      const isDefault = dto.isDefault === true || !hasDefault;
      if (isDefault) await tx.workflow.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
      const wf = await tx.workflow.create({
        data: {
          name: dto.name,
          description: dto.description,
          isDefault,
          stages: {
            create: stages.map((s, position) => ({
              name: s.name,
              status: s.status ?? null,
              isInitial: s.isInitial ?? false,
              position,
            })),
          },
        },
      });
      return wf.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateWorkflowDto): Promise<WorkflowView> {
    await this.write(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('nixflow:workflow-default'))`;
      const wf = await tx.workflow.findUnique({ where: { id } });
      if (!wf) throw new NotFoundException('Workflow not found');
      if (dto.isDefault === false && wf.isDefault) {
        throw fieldError('isDefault', 'Make another workflow the default instead');
      }
      if (dto.isDefault && !wf.isDefault) {
        await tx.workflow.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
      }
      await tx.workflow.update({
        where: { id },
        data: { name: dto.name, description: dto.description, isDefault: dto.isDefault || undefined },
      });
    });
    return this.get(id);
  }

  /** 409 while any ticket (even soft-deleted) uses it, or while it is the default of several workflows. */
  async remove(id: string): Promise<void> {
    await this.write(async (tx) => {
      const wf = await this.lockWorkflow(tx, id);
      const tickets = await tx.ticket.count({ where: { workflowId: id } });
      if (tickets > 0) {
        throw new ConflictException(`Workflow "${wf.name}" is used by ${tickets} ticket(s); move them first`);
      }
      if (wf.isDefault && (await tx.workflow.count({ where: { NOT: { id } } })) > 0) {
        throw new ConflictException(`Workflow "${wf.name}" is the default; make another workflow the default first`);
      }
      await tx.workflow.delete({ where: { id } });
    });
  }

  async addStage(workflowId: string, dto: CreateStageDto): Promise<Stage> {
    return this.write(async (tx) => {
      await this.lockWorkflow(tx, workflowId);
      const stages = await this.stagesOf(tx, workflowId);
      await this.assertTransitionsValid(stages, dto.allowedTransitionIds, null);
      if (dto.isInitial) await tx.stage.updateMany({ where: { workflowId }, data: { isInitial: false } });
      const stage = await tx.stage.create({
        data: {
          workflowId,
          name: dto.name,
          status: dto.status ?? null,
          isInitial: dto.isInitial ?? false,
          allowedTransitionIds: dto.allowedTransitionIds ?? [],
          position: stages.length,
        },
      });
      await this.reposition(tx, [...stages, stage], stage.id, dto.position ?? stages.length);
      return tx.stage.findUniqueOrThrow({ where: { id: stage.id } });
    });
  }

  async updateStage(workflowId: string, stageId: string, dto: UpdateStageDto): Promise<Stage> {
    return this.write(async (tx) => {
      await this.lockWorkflow(tx, workflowId);
      const stages = await this.stagesOf(tx, workflowId);
      const stage = stages.find((s) => s.id === stageId);
      if (!stage) throw new NotFoundException('Stage not found');
      await this.assertTransitionsValid(stages, dto.allowedTransitionIds, stageId);
      if (dto.isInitial) {
        await tx.stage.updateMany({ where: { workflowId, NOT: { id: stageId } }, data: { isInitial: false } });
      }
      await tx.stage.update({
        where: { id: stageId },
        data: {
          name: dto.name,
          status: dto.status,
          isInitial: dto.isInitial,
          allowedTransitionIds: dto.allowedTransitionIds,
        },
      });
      if (dto.position !== undefined) await this.reposition(tx, stages, stageId, dto.position);
      return tx.stage.findUniqueOrThrow({ where: { id: stageId } });
    });
  }

  /** 409 while tickets are at the stage; other stages stop referring to it and positions close the gap. */
  async removeStage(workflowId: string, stageId: string): Promise<void> {
    await this.write(async (tx) => {
      await this.lockWorkflow(tx, workflowId);
      const stages = await this.stagesOf(tx, workflowId);
      const stage = stages.find((s) => s.id === stageId);
      if (!stage) throw new NotFoundException('Stage not found');
      const tickets = await tx.ticket.count({ where: { stageId } });
      if (tickets > 0) {
        throw new ConflictException(`Stage "${stage.name}" holds ${tickets} ticket(s); move them first`);
      }
      await tx.stage.delete({ where: { id: stageId } });
      await tx.$executeRaw`UPDATE "Stage" SET "allowedTransitionIds" = array_remove("allowedTransitionIds", ${stageId}::uuid)
        WHERE "workflowId" = ${workflowId}::uuid AND ${stageId}::uuid = ANY("allowedTransitionIds")`;
      const rest = stages.filter((s) => s.id !== stageId);
      for (const [position, s] of rest.entries()) {
        if (s.position !== position) await tx.stage.update({ where: { id: s.id }, data: { position } });
      }
    });
  }

  private async lockWorkflow(tx: Tx, id: string) {
    await lockRowOrThrow(tx, 'Workflow', id);
    return tx.workflow.findUniqueOrThrow({ where: { id } });
  }

  private stagesOf(tx: Tx, workflowId: string): Promise<Stage[]> {
    return tx.stage.findMany({ where: { workflowId }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] });
  }

  private async assertTransitionsValid(stages: Stage[], ids: string[] | undefined, self: string | null) {
    if (!ids) return;
    const known = new Set(stages.map((s) => s.id));
    const bad = ids.filter((id) => !known.has(id) || id === self);
    if (bad.length) {
      throw fieldError('allowedTransitionIds', `Not another stage of this workflow: ${bad.join(', ')}`);
    }
  }

  /** Moves `stageId` to `position` (clamped) and renumbers the stages densely. */
  private async reposition(tx: Tx, stages: Stage[], stageId: string, position: number): Promise<void> {
    const ordered = stages.filter((s) => s.id !== stageId);
    const moving = stages.find((s) => s.id === stageId)!;
    ordered.splice(Math.min(position, ordered.length), 0, moving);
    for (const [index, s] of ordered.entries()) {
      if (s.position !== index) await tx.stage.update({ where: { id: s.id }, data: { position: index } });
    }
  }
}
