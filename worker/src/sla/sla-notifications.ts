import { nextBusinessStart, policyCalendar, type SendNotificationJobData, type SlaPolicyLike } from '@nixflow/core';
import type { Tx } from '@nixflow/domain';

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
  /** Milliseconds to hold the mail back (a notifyDuringBusinessHoursOnly policy outside business hours). */
  delayMs?: number;
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
 * In-app notifications for SLA alerts, one per recipient (assignee and watchers who can still see the
 * ticket: active staff or its current requester) per metric and kind, made unique by (userId, dedupeKey); then, when an active email account with SMTP
 * exists, one email per alert to the recipients that were notified just now. Set-based: one statement
 * for the whole batch.
 */
export async function notifySlaAlerts(
  tx: Tx,
  alerts: SlaAlert[],
  enqueueEmails: EmailEnqueuer | null,
  now: Date,
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
      -- canSeeTicket (@nixflow/core), evaluated now: staff, or the ticket's current requester.
      JOIN "User" u ON u."id" = r."userId" AND u."isActive" AND u."deletedAt" IS NULL
        AND (u."role" IN ('ADMIN', 'AGENT') OR u."id" = t."requesterId")
    ),
    inserted AS (
      INSERT INTO "Notification" ("userId", "ticketId", "type", "title", "body", "data", "dedupeKey")
      SELECT r."userId", r."ticketId",
             CASE r."kind" WHEN 'SLABreached' THEN 'sla.breached' ELSE 'sla.at_risk' END,
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
  const emails = await delayOutsideBusinessHours(tx, groupEmails(rows), now);
  await enqueueEmails(emails);
  return { notifications: rows.length, emails: emails.length };
}

type CalendarRow = Pick<SlaPolicyLike, 'timezone' | 'businessHours' | 'holidays'> & { metricId: string };

/**
 * zammad#4432: a policy with notifyDuringBusinessHoursOnly holds its SLA mails back until the calendar's
 * next business minute. Only the mail waits; the breach and its in-app notification are recorded at once.
 */
async function delayOutsideBusinessHours(
  tx: Tx,
  emails: Array<NotificationEmail & { metricId: string }>,
  now: Date,
): Promise<NotificationEmail[]> {
  const metricIds = emails.map((e) => e.metricId);
  const calendars = await tx.$queryRaw<CalendarRow[]>`
    SELECT m."id"::text AS "metricId", p."timezone", p."businessHours", p."holidays"
    FROM "SLAMetric" m JOIN "SLAPolicy" p ON p."id" = m."policyId"
    WHERE m."id"::text = ANY (${metricIds}::text[]) AND p."notifyDuringBusinessHoursOnly"`;
  if (calendars.length === 0) return emails.map(({ metricId: _m, ...e }) => e);
  const byMetric = new Map(calendars.map((c) => [c.metricId, c]));
  return emails.map(({ metricId, ...e }) => {
    const cal = byMetric.get(metricId);
    if (!cal) return e;
    const delayMs = nextBusinessStart(now, policyCalendar(cal)).getTime() - now.getTime();
    return delayMs > 0 ? { ...e, delayMs } : e;
  });
}

function groupEmails(rows: NewNotificationRow[]): Array<NotificationEmail & { metricId: string }> {
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
      metricId: row.metricId,
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
