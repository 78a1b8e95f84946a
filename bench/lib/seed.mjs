// Benchmark data, set-based (generate_series): the demo seed (admin, agents, customers, workflow,
// SLA policies) through the project's own seed CLI, then many users and tickets with SLA metrics.
import path from 'node:path';
import { connect } from './database.mjs';
import { progress, ROOT, runNode } from './common.mjs';

export const BENCH_ADMIN = { email: 'admin@nixflow.local', password: 'Bench-Admin-Password-1' };
export const BENCH_AGENT = { email: 'agent1@nixflow.local', password: 'Agent-Password-123' };
export const BENCH_CUSTOMER = { email: 'customer1@nixflow.local', password: 'Customer-Password-123' };

const SUBJECT_WORDS = [
  'login',
  'password',
  'invoice',
  'billing',
  'refund',
  'export',
  'import',
  'email',
  'webhook',
  'api',
  'error',
  'timeout',
  'upgrade',
  'report',
  'dashboard',
  'mobile',
  'browser',
  'sync',
  'backup',
  'access',
];
export const TICKET_TAGS = ['billing', 'login', 'api', 'outage', 'question', 'feature-request', 'mobile', 'vip'];

export async function seedDemo(url) {
  await runNode(
    path.join(ROOT, 'backend/dist/src/seed/seed-cli.js'),
    [],
    { DATABASE_URL: url, ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password },
    'seed',
  );
}

/**
 * `agents` agents and `customers` customers (no password: they never log in), then `tickets` tickets
 * spread over the last year with FIRST_RESPONSE and RESOLUTION metrics. Open metrics fall due in the
 * future (hours to weeks ahead) so that the worker's sweep is not flooded by the seed itself.
 */
export async function seedTickets(url, { tickets, agents = 50, customers = 5000 }) {
  const c = await connect(url);
  try {
    const t0 = Date.now();
    await c.query(
      `INSERT INTO "User" (email, name, role)
       SELECT 'bench-agent-' || g || '@bench.local', 'Bench agent ' || g, 'AGENT'::"UserRole" FROM generate_series(1, $1::int) g
       UNION ALL
       SELECT 'bench-customer-' || g || '@bench.local', 'Bench customer ' || g, 'CUSTOMER'::"UserRole" FROM generate_series(1, $2::int) g
       ON CONFLICT (email) DO NOTHING`,
      [agents, customers],
    );
    const chunk = 50_000;
    for (let from = 1; from <= tickets; from += chunk) {
      const to = Math.min(tickets, from + chunk - 1);
      await c.query(
        `WITH a AS (SELECT array_agg(id ORDER BY email) ids FROM "User" WHERE role = 'AGENT'),
              r AS (SELECT array_agg(id ORDER BY email) ids FROM "User" WHERE role = 'CUSTOMER'),
              s AS (SELECT array_agg(st.id ORDER BY st.position) ids, array_agg(st.status ORDER BY st.position) sts,
                           min(w.id::text)::uuid wf
                      FROM "Stage" st JOIN "Workflow" w ON w.id = st."workflowId" AND w."isDefault"),
              src AS (
                SELECT g,
                       -- 0 New/OPEN 45%, 1 In progress 20%, 2 Waiting 10%, 3 Resolved 15%, 4 Closed 10%
                       CASE WHEN g % 20 < 9 THEN 0 WHEN g % 20 < 13 THEN 1 WHEN g % 20 < 15 THEN 2
                            WHEN g % 20 < 18 THEN 3 ELSE 4 END AS st,
                       (ARRAY['LOW','NORMAL','NORMAL','NORMAL','HIGH','URGENT'])[1 + g % 6]::"TicketPriority" AS prio,
                       (ARRAY['WEB','EMAIL','EMAIL','FORM','API'])[1 + (g / 7) % 5]::"TicketChannel" AS chan,
                       now() - ((g::bigint * 7919) % 525600) * interval '1 minute' AS created
                  FROM generate_series($1::int, $2::int) g)
         INSERT INTO "Ticket" (subject, description, status, priority, channel, "requesterId", "assigneeId",
                               "workflowId", "stageId", tags, "firstRespondedAt", "resolvedAt", "closedAt",
                               "createdAt", "updatedAt")
         SELECT initcap(($3::text[])[1 + g % 20]) || ' ' || ($3::text[])[1 + (g / 20) % 20] || ' problem #' || g,
                'Customer reports a ' || ($3::text[])[1 + (g / 3) % 20] || ' issue with ' || ($3::text[])[1 + (g / 11) % 20]
                  || '. Steps to reproduce are attached. Reference ' || g || '.',
                s.sts[1 + src.st], src.prio, src.chan,
                r.ids[1 + (g * 31) % array_length(r.ids, 1)],
                CASE WHEN g % 5 = 0 THEN NULL ELSE a.ids[1 + (g * 17) % array_length(a.ids, 1)] END,
                s.wf, s.ids[1 + src.st],
                CASE WHEN g % 3 = 0 THEN ARRAY[]::text[]
                     WHEN g % 3 = 1 THEN ARRAY[($4::text[])[1 + g % 8]]
                     ELSE ARRAY[($4::text[])[1 + g % 8], ($4::text[])[1 + (g / 8) % 8]] END,
                CASE WHEN src.st > 0 THEN src.created + interval '30 minutes' END,
                CASE WHEN src.st >= 3 THEN src.created + interval '2 days' END,
                CASE WHEN src.st = 4 THEN src.created + interval '3 days' END,
                src.created, src.created
           FROM src, a, r, s`,
        [from, to, SUBJECT_WORDS, TICKET_TAGS],
      );
      progress(`tickets ${to}/${tickets}`);
    }
    // Metrics: the policy a ticket gets (URGENT → 24/7 policy, else business hours), targets from it.
    await c.query(
      `INSERT INTO "SLAMetric" ("ticketId", "policyId", "policyVersion", type, "targetMinutes", status,
                                "startedAt", "dueAt", "warningAt", "completedAt", "createdAt", "updatedAt")
       SELECT t.id, p.id, p.version, m.type::"SLABreachType",
              (p.targets -> m.type ->> t.priority::text)::int,
              CASE WHEN m.done IS NOT NULL THEN 'MET'::"SLAStatus"
                   WHEN t.status IN ('PENDING_CUSTOMER', 'ON_HOLD') THEN 'PAUSED'::"SLAStatus"
                   ELSE 'ACTIVE'::"SLAStatus" END,
              t."createdAt", due.at, due.at - interval '10 minutes', m.done, t."createdAt", t."createdAt"
         FROM "Ticket" t
         JOIN LATERAL (SELECT * FROM "SLAPolicy" p
                        WHERE p."isActive" AND p."deletedAt" IS NULL
                          AND (p.conditions -> 'priorities') ? t.priority::text
                        ORDER BY p.position LIMIT 1) p ON true
         CROSS JOIN LATERAL (VALUES ('FIRST_RESPONSE', t."firstRespondedAt"), ('RESOLUTION', t."resolvedAt")) m(type, done)
         CROSS JOIN LATERAL (SELECT CASE WHEN m.done IS NOT NULL THEN t."createdAt" + interval '1 hour'
                                         ELSE now() + ((hashtext(t.id::text) & 1023) + 60) * interval '1 hour' END AS at) due
        WHERE p.targets -> m.type ->> t.priority::text IS NOT NULL
       ON CONFLICT DO NOTHING`,
    );
    // The steady state autovacuum keeps (CI's PostgreSQL runs without it): hint bits, visibility map, statistics.
    await c.query('VACUUM (ANALYZE)');
    const { rows } = await c.query(`SELECT (SELECT count(*) FROM "Ticket")::int AS tickets,
                                           (SELECT count(*) FROM "SLAMetric")::int AS metrics`);
    progress(
      `seeded ${rows[0].tickets} tickets, ${rows[0].metrics} SLA metrics in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return rows[0];
  } finally {
    await c.end();
  }
}
