import { Injectable } from '@nestjs/common';
import { Prisma } from '@nixflow/db/client';
import {
  chooseAssignee,
  DONE_TICKET_STATUSES,
  isBusinessTime,
  policyCalendar,
  type AssignmentModeName,
} from '@nixflow/core';
import { DONE_TICKET_STATUSES_LIST } from '../sla/sla-metric-store.js';
import { lockRow } from '../common/row-lock.js';
import type { Tx } from '../tx.js';

/**
 * Auto-assignment within a team, safe with several API instances and workers: the team row is locked
 * (FOR UPDATE) so that one assignment per team runs at a time, and the candidates' user rows are locked
 * (FOR NO KEY UPDATE SKIP LOCKED: ticket inserts referencing those users are not blocked, and a member
 * whose row another transaction holds — an assignment in another team, a deactivation — is skipped rather
 * than waited for, so no lock cycle is possible) so that an agent's open-ticket count cannot change between
 * the count and the assignment. The caller writes the assignment in the same transaction,
 * before the locks are released at commit; the next transaction (READ COMMITTED) then counts it.
 */
@Injectable()
export class AssignmentService {
  /** Who takes over an open team ticket whose assignee left (deactivated, demoted): null when nobody can. */
  async replacementInTx(
    tx: Tx,
    ticket: { teamId: string | null; status: string; deletedAt: Date | null; assigneeId: string | null },
    now: Date,
  ): Promise<string | null> {
    if (!ticket.teamId || ticket.deletedAt || (DONE_TICKET_STATUSES as readonly string[]).includes(ticket.status))
      return null;
    return this.pickInTx(tx, ticket.teamId, now, ticket.assigneeId ?? undefined);
  }

  /** The member to assign a new or orphaned ticket of `teamId` to, or null (mode NONE, nobody available…). */
  async pickInTx(tx: Tx, teamId: string, now: Date, excludeUserId?: string): Promise<string | null> {
    const team = await lockRow<{
      assignmentMode: AssignmentModeName;
      isActive: boolean;
      lastAssignedUserId: string | null;
      timezone: string;
      businessHours: unknown;
      holidays: unknown;
    }>(
      tx,
      'Team',
      teamId,
      Prisma.sql`"assignmentMode"::text AS "assignmentMode", "isActive", "lastAssignedUserId"::text AS "lastAssignedUserId",
             "timezone", "businessHours", "holidays"`,
    );
    if (!team || !team.isActive || team.assignmentMode === 'NONE') return null;
    const withinBusinessHours = isBusinessTime(now, policyCalendar(team));
    if (!withinBusinessHours) return null;

    const members = await tx.$queryRaw<Array<{ id: string; maxOpenTickets: number | null; available: boolean }>>`
      SELECT u.id::text AS id, u."maxOpenTickets",
             (u."isActive" AND NOT u."isAway" AND u."deletedAt" IS NULL AND u.role IN ('ADMIN', 'AGENT')) AS available
      FROM "User" u JOIN "TeamMember" m ON m."userId" = u.id
      WHERE m."teamId" = ${teamId}::uuid
      ORDER BY u.id
      FOR NO KEY UPDATE OF u SKIP LOCKED`;
    const candidates = members.filter((m) => m.available && m.id !== excludeUserId);
    if (!candidates.length) return null;
    const open = await tx.$queryRaw<Array<{ assigneeId: string; n: bigint }>>`
      SELECT "assigneeId"::text AS "assigneeId", count(*) AS n FROM "Ticket"
      WHERE "assigneeId" = ANY(${candidates.map((c) => c.id)}::uuid[]) AND "deletedAt" IS NULL
        AND status NOT IN (${DONE_TICKET_STATUSES_LIST})
      GROUP BY 1`;
    const openBy = new Map(open.map((r) => [r.assigneeId, Number(r.n)]));
    const chosen = chooseAssignee({
      mode: team.assignmentMode,
      lastAssignedUserId: team.lastAssignedUserId,
      withinBusinessHours,
      candidates: candidates.map((c) => ({
        userId: c.id,
        openTickets: openBy.get(c.id) ?? 0,
        capacity: c.maxOpenTickets,
        available: true,
      })),
    });
    if (chosen) await tx.team.update({ where: { id: teamId }, data: { lastAssignedUserId: chosen } });
    return chosen;
  }
}
