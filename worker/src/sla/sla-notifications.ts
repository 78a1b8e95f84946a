import type { Prisma } from '@nixflow/db/client';
import type { SendNotificationJobData } from '@nixflow/core';

type Tx = Prisma.TransactionClient;

export type SlaAlertKind = 'SLABreached' | 'SLAAtRisk';

/** What the consumer takes from an SLABreached / SLAAtRisk event. */
export interface SlaAlert {
  kind: SlaAlertKind;
  ticketId: string;
  metricId: string;
  metricType: string;
  dueAt: string;
}

export interface NotificationEmail {
  /** Deterministic, so a retried enqueue of the same alert is dropped by BullMQ. */
  jobId: string;
  data: SendNotificationJobData;
}

/** Enqueues `send-notification` jobs on the email-outbound queue (the email worker sends them). */
export type EmailEnqueuer = (emails: NotificationEmail[]) => Promise<void>;

interface NewNotificationRow {
  kind: SlaAlertKind;
  ticketId: string;
  metricId: string;
  metricType: string;
  dueAt: string;
  number: number;
  subject: string;
  email: string;
}

/** Events written before the sweep added `Z` carry zone-less UTC text: the notification gets the `Z`. */
function utcIso(text: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(text) ? `${text}Z` : text;
}

const WORDS: Record<string, string> = {
  FIRST_RESPONSE: 'first response',
  NEXT_RESPONSE: 'next response',
  RESOLUTION: 'resolution',
};

/**
 * In-app notifications for SLA alerts, one per recipient (assignee and watchers, active users only) per
 * metric and kind, made unique by (userId, dedupeKey); then, when an active email account with SMTP
 * exists, one email per alert to the recipients that were notified just now. Set-based: one statement
 * for the whole batch.
 */
export async function notifySlaAlerts(
  tx: Tx,
  alerts: SlaAlert[],
  enqueueEmails: EmailEnqueuer | null,
): Promise<{ notifications: number; emails: number }> {
  if (alerts.length === 0) return { notifications: 0, emails: 0 };
  const rows = await tx.$queryRaw<NewNotificationRow[]>`
    WITH alert AS (
      SELECT * FROM unnest(${alerts.map((a) => a.kind)}::text[], ${alerts.map((a) => a.ticketId)}::uuid[],
                           ${alerts.map((a) => a.metricId)}::text[], ${alerts.map((a) => a.metricType)}::text[],
                           ${alerts.map((a) => utcIso(a.dueAt))}::text[])
             AS a("kind", "ticketId", "metricId", "metricType", "dueAt")
    ),
    recipient AS (
      SELECT DISTINCT a.*, t."number", t."subject", u."id" AS "userId", u."email",
             CASE a."kind" WHEN 'SLABreached' THEN 'sla-breach:' ELSE 'sla-at-risk:' END || a."metricId" AS "dedupeKey"
      FROM alert a
      -- A ticket deleted since the alert no longer bothers anybody.
      JOIN "Ticket" t ON t."id" = a."ticketId" AND t."deletedAt" IS NULL
      CROSS JOIN LATERAL (
        SELECT t."assigneeId" AS "userId"
        UNION
        SELECT w."userId" FROM "TicketWatcher" w WHERE w."ticketId" = t."id"
      ) r
      JOIN "User" u ON u."id" = r."userId" AND u."isActive" AND u."deletedAt" IS NULL
    ),
    inserted AS (
      INSERT INTO "Notification" ("userId", "ticketId", "type", "title", "body", "data", "dedupeKey")
      SELECT r."userId", r."ticketId",
             CASE r."kind" WHEN 'SLABreached' THEN 'SLA_BREACHED' ELSE 'SLA_AT_RISK' END,
             CASE r."kind" WHEN 'SLABreached' THEN 'SLA breached' ELSE 'SLA at risk' END,
             'Ticket #' || r."number" || CASE r."kind" WHEN 'SLABreached' THEN ' missed its ' ELSE ' is close to its ' END
               || r."metricType" || ' target',
             jsonb_build_object('metricId', r."metricId", 'type', r."metricType", 'dueAt', r."dueAt"),
             r."dedupeKey"
      FROM recipient r
      ON CONFLICT ("userId", "dedupeKey") DO NOTHING
      RETURNING "userId", "dedupeKey"
    )
    SELECT r."kind", r."ticketId"::text AS "ticketId", r."metricId", r."metricType", r."dueAt", r."number",
           r."subject", r."email"
    FROM recipient r JOIN inserted i ON i."userId" = r."userId" AND i."dedupeKey" = r."dedupeKey"`;
  if (rows.length === 0 || !enqueueEmails) return { notifications: rows.length, emails: 0 };
  const [{ configured }] = await tx.$queryRaw<Array<{ configured: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "EmailAccount" WHERE "isActive" AND "smtpHost" IS NOT NULL) AS "configured"`;
  if (!configured) return { notifications: rows.length, emails: 0 };
  const emails = groupEmails(rows);
  await enqueueEmails(emails);
  return { notifications: rows.length, emails: emails.length };
}

function groupEmails(rows: NewNotificationRow[]): NotificationEmail[] {
  const byAlert = new Map<string, { row: NewNotificationRow; to: Set<string> }>();
  for (const row of rows) {
    const key = `${row.kind}-${row.metricId}`;
    const entry = byAlert.get(key) ?? { row, to: new Set<string>() };
    entry.to.add(row.email);
    byAlert.set(key, entry);
  }
  return [...byAlert].map(([key, { row, to }]) => {
    const what = WORDS[row.metricType] ?? row.metricType;
    const breached = row.kind === 'SLABreached';
    const due = `${row.dueAt.replace(/Z$/, '')} UTC`;
    return {
      jobId: `sla-${key}`,
      data: {
        to: [...to].sort(),
        ticketId: row.ticketId,
        subject: `[#${row.number}] SLA ${breached ? 'breached' : 'at risk'}: ${what}`,
        text: breached
          ? `Ticket #${row.number} "${row.subject}" missed its ${what} target (due ${due}).`
          : `Ticket #${row.number} "${row.subject}" is close to its ${what} deadline (due ${due}).`,
      },
    };
  });
}
