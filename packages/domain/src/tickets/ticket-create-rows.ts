import type { Ticket, TicketChannel, TicketPriority, TicketStatus } from '@nixflow/db/client';
import type { Tx } from '../tx.js';
import { TICKET_COLUMNS } from './ticket-columns.js';

export interface NewTicketRow {
  subject: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority;
  channel: TicketChannel;
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
  workflowId: string | null;
  stageId: string | null;
  tags: string[];
  formId: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  now: Date;
  actorId: string | null;
  /** HistoryLog rows after "created" (routing rule, auto-assignment), by the system (no actor). */
  routingHistory: Array<{ action: string; field: string; newValue: string }>;
  routingRuleId: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The rows of a new ticket in ONE statement (a round trip each cost more than the work): the ticket, its
 * HistoryLog rows ("created", then the routing entries) and its TicketCreated (+ TicketAssigned) events,
 * with the payloads EventsService.append used to write.
 */
export async function insertTicketRows(tx: Tx, r: NewTicketRow): Promise<Ticket> {
  const now = r.now.toISOString();
  const history = JSON.stringify([
    { actorId: r.actorId, action: 'created', field: null, newValue: null },
    ...r.routingHistory.map((h) => ({ actorId: null, ...h })),
  ]);
  const rows = await tx.$queryRaw<Ticket[]>`
    WITH t AS (
      INSERT INTO "Ticket" ("subject", "description", "status", "priority", "channel", "requesterId", "assigneeId",
                            "teamId", "workflowId", "stageId", "tags", "formId", "resolvedAt", "closedAt",
                            "createdAt", "updatedAt")
      VALUES (${r.subject}, ${r.description}, ${r.status}::"TicketStatus", ${r.priority}::"TicketPriority",
              ${r.channel}::"TicketChannel", ${r.requesterId}::uuid, ${r.assigneeId}::uuid, ${r.teamId}::uuid,
              ${r.workflowId}::uuid, ${r.stageId}::uuid, ${r.tags}::text[], ${r.formId}::uuid,
              ${iso(r.resolvedAt)}::timestamp(3), ${iso(r.closedAt)}::timestamp(3), ${now}::timestamp(3),
              ${now}::timestamp(3))
      RETURNING ${TICKET_COLUMNS}
    ), h AS (
      INSERT INTO "HistoryLog" ("ticketId", "actorId", "action", "field", "newValue", "createdAt")
      SELECT t."id", x."actorId", x."action", x."field", x."newValue", ${now}::timestamp(3)
      FROM t, jsonb_to_recordset(${history}::jsonb) AS x("actorId" uuid, "action" text, "field" text, "newValue" text)
    ), e AS (
      INSERT INTO "EventLog" ("type", "aggregateType", "aggregateId", "actorId", "payload")
      SELECT 'TicketCreated', 'Ticket', t."id"::text, ${r.actorId}::text,
             jsonb_build_object('number', t."number", 'status', t."status", 'priority', t."priority",
                                'channel', t."channel", 'requesterId', t."requesterId", 'assigneeId', t."assigneeId",
                                'workflowId', t."workflowId", 'stageId', t."stageId", 'formId', t."formId",
                                'tags', to_jsonb(t."tags"), 'teamId', t."teamId",
                                'routingRuleId', ${r.routingRuleId}::text)
      FROM t
      UNION ALL
      -- version: the notification's dedupeKey (notifyTicketEvents).
      SELECT 'TicketAssigned', 'Ticket', t."id"::text, ${r.actorId}::text,
             jsonb_build_object('from', NULL, 'to', t."assigneeId", 'version', t."version")
      FROM t WHERE t."assigneeId" IS NOT NULL
    )
    SELECT * FROM t`;
  return rows[0]!;
}
