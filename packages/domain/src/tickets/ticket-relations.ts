import type { Prisma, PrismaClient, Ticket } from '@nixflow/db/client';

/** The user columns a ticket view shows. */
export const USER_SUMMARY = { id: true, name: true, role: true } as const;
/** The stage columns a ticket view shows. */
export const STAGE_SUMMARY = { id: true, name: true, position: true } as const;
export type UserSummary = Prisma.UserGetPayload<{ select: typeof USER_SUMMARY }>;
export type StageSummary = Prisma.StageGetPayload<{ select: typeof STAGE_SUMMARY }>;
/** A ticket as the API shows it: its columns, with who asked, who is assigned and where it stands. */
export type TicketView = Ticket & { requester: UserSummary; assignee: UserSummary | null; stage: StageSummary | null };

/** A row of the relations statement: USER_SUMMARY's columns or STAGE_SUMMARY's, told apart by `kind`. */
type SummaryRow =
  ({ kind: 'user' } & UserSummary & { position: null }) | ({ kind: 'stage' } & StageSummary & { role: null });

/**
 * Adds requester, assignee and stage to tickets in ONE statement. Prisma's `include` sends one per relation
 * after the tickets, and each statement costs this process more than its rows do (the list route's profile:
 * socket writes and the query engine's per-statement work, bench/README.md).
 */
export async function withTicketRelations(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  tickets: Ticket[],
): Promise<TicketView[]> {
  if (tickets.length === 0) return [];
  const userIds = new Set<string>();
  const stageIds = new Set<string>();
  for (const t of tickets) {
    userIds.add(t.requesterId);
    if (t.assigneeId) userIds.add(t.assigneeId);
    if (t.stageId) stageIds.add(t.stageId);
  }
  const rows = await prisma.$queryRaw<SummaryRow[]>`
    SELECT 'user' AS "kind", "id"::text, "name", "role"::text AS "role", NULL::int AS "position"
      FROM "User" WHERE "id" = ANY(${[...userIds]}::uuid[])
    UNION ALL
    SELECT 'stage', "id"::text, "name", NULL, "position"
      FROM "Stage" WHERE "id" = ANY(${[...stageIds]}::uuid[])`;
  const users = new Map<string, UserSummary>();
  const stages = new Map<string, StageSummary>();
  for (const r of rows) {
    if (r.kind === 'user') users.set(r.id, { id: r.id, name: r.name, role: r.role });
    else stages.set(r.id, { id: r.id, name: r.name, position: r.position });
  }
  const views: TicketView[] = [];
  for (const t of tickets) {
    const requester = users.get(t.requesterId);
    // A requester cannot be deleted while tickets name it (ON DELETE RESTRICT): a miss means the ticket itself
    // was deleted since it was read, and a deleted ticket is not shown.
    if (!requester) continue;
    views.push({
      ...t,
      requester,
      assignee: t.assigneeId ? (users.get(t.assigneeId) ?? null) : null,
      stage: t.stageId ? (stages.get(t.stageId) ?? null) : null,
    });
  }
  return views;
}
