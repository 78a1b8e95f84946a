// Baseline versions of the ticket routes: the same rows written and read as the API, in plain SQL over
// pg, with the same pure SLA logic from @nixflow/core (policy selection, business-hours deadlines).
import { computeDueAt, computeWarningAt, policyCalendar, selectPolicy, targetMinutesFor } from '@nixflow/core';

const SORT = `t."createdAt" DESC, t.number DESC`;
const TICKET_COLUMNS = `t.*, json_build_object('id', r.id, 'name', r.name, 'role', r.role) AS requester,
  CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.id, 'name', a.name, 'role', a.role) END AS assignee,
  CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name, 'position', s.position) END AS stage`;
const TICKET_JOINS = `JOIN "User" r ON r.id = t."requesterId" LEFT JOIN "User" a ON a.id = t."assigneeId"
  LEFT JOIN "Stage" s ON s.id = t."stageId"`;

function listFilters(query, user) {
  const where = ['t."deletedAt" IS NULL'];
  const params = [];
  const p = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (user.role === 'CUSTOMER') where.push(`t."requesterId" = ${p(user.id)}::uuid`);
  const list = (v) => (Array.isArray(v) ? v : String(v).split(','));
  if (query.status) where.push(`t.status = ANY(${p(list(query.status))}::"TicketStatus"[])`);
  if (query.priority) where.push(`t.priority = ANY(${p(list(query.priority))}::"TicketPriority"[])`);
  if (query.assigneeId) where.push(`t."assigneeId" = ${p(query.assigneeId)}::uuid`);
  if (query.requesterId) where.push(`t."requesterId" = ${p(query.requesterId)}::uuid`);
  if (query.stageId) where.push(`t."stageId" = ${p(query.stageId)}::uuid`);
  if (query.tag) where.push(`t.tags @> ARRAY[${p(String(query.tag).toLowerCase())}]::text[]`);
  return { where: where.join(' AND '), params };
}

const METRIC_TYPES_AT_CREATION = ['FIRST_RESPONSE', 'RESOLUTION'];

export function registerTicketRoutes(app, pool, auth, staff) {
  app.get('/api/tickets', async (req, reply) => {
    const user = auth(req, reply);
    if (!user) return reply;
    const pageSize = Math.min(100, Number(req.query.pageSize ?? 20) || 20);
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const { where, params } = listFilters(req.query, user);
    const client = await pool.connect();
    try {
      const items = await client.query(
        `SELECT ${TICKET_COLUMNS} FROM "Ticket" t ${TICKET_JOINS} WHERE ${where} ORDER BY ${SORT}
         LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      );
      const total = await client.query(`SELECT count(*)::int AS n FROM "Ticket" t WHERE ${where}`, params);
      return { items: items.rows, total: total.rows[0].n, page, pageSize };
    } finally {
      client.release();
    }
  });

  app.post('/api/tickets', async (req, reply) => {
    const user = auth(req, reply);
    if (!user) return reply;
    const b = req.body ?? {};
    const requesterId = staff(user) && b.requesterId ? b.requesterId : user.id;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [{ rows: stages }, { rows: policies }] = [
        await client.query(`SELECT s.id, s."workflowId", s.status FROM "Stage" s JOIN "Workflow" w ON w.id = s."workflowId"
                            WHERE w."isDefault" AND s."isInitial" LIMIT 1`),
        await client.query(`SELECT * FROM "SLAPolicy" WHERE "isActive" AND "deletedAt" IS NULL`),
      ];
      const stage = stages[0];
      const { rows } = await client.query(
        `INSERT INTO "Ticket" (subject, description, priority, channel, "requesterId", "workflowId", "stageId", status, tags)
         VALUES ($1, $2, $3, 'WEB', $4, $5, $6, coalesce($7::"TicketStatus", 'OPEN'), $8) RETURNING *`,
        [
          b.subject,
          b.description,
          b.priority ?? 'NORMAL',
          requesterId,
          stage?.workflowId,
          stage?.id,
          stage?.status,
          b.tags ?? [],
        ],
      );
      const t = rows[0];
      await client.query(`INSERT INTO "HistoryLog" ("ticketId", "actorId", action) VALUES ($1, $2, 'created')`, [
        t.id,
        user.id,
      ]);
      await client.query(
        `INSERT INTO "EventLog" (type, "aggregateType", "aggregateId", "actorId", payload) VALUES ('TicketCreated', 'Ticket', $1, $2, $3)`,
        [t.id, user.id, { ticketId: t.id, priority: t.priority, status: t.status }],
      );
      const policy = selectPolicy(policies, t);
      if (policy) {
        const cal = policyCalendar(policy);
        const values = [];
        const params = [];
        for (const type of METRIC_TYPES_AT_CREATION) {
          const targetMinutes = targetMinutesFor(policy, type, t.priority);
          if (targetMinutes == null) continue;
          const input = { startedAt: t.createdAt, targetMinutes, cal };
          const dueAt = computeDueAt(input);
          const warningAt = computeWarningAt({ ...input, thresholdPercent: policy.warningThresholdPercent });
          params.push(t.id, policy.id, policy.version, type, targetMinutes, t.createdAt, dueAt, warningAt);
          const n = params.length;
          values.push(
            `($${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}::"SLABreachType", $${n - 3}, $${n - 2}, $${n - 1}, $${n})`,
          );
        }
        if (values.length) {
          await client.query(
            `INSERT INTO "SLAMetric" ("ticketId", "policyId", "policyVersion", type, "targetMinutes", "startedAt", "dueAt", "warningAt")
             VALUES ${values.join(', ')}`,
            params,
          );
        }
      }
      await client.query('COMMIT');
      reply.code(201);
      return t;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  });

  app.post('/api/tickets/:id/comments', async (req, reply) => {
    const user = auth(req, reply);
    if (!user) return reply;
    const b = req.body ?? {};
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: tickets } = await client.query(
        `SELECT * FROM "Ticket" WHERE id = $1 AND "deletedAt" IS NULL FOR UPDATE`,
        [req.params.id],
      );
      const t = tickets[0];
      if (!t) {
        await client.query('ROLLBACK');
        return reply.code(404).send({ message: 'Ticket not found' });
      }
      const { rows } = await client.query(
        `INSERT INTO "Comment" ("ticketId", "authorId", body, internal) VALUES ($1, $2, $3, $4) RETURNING *`,
        [t.id, user.id, b.body, Boolean(b.internal)],
      );
      const c = rows[0];
      await client.query(`INSERT INTO "HistoryLog" ("ticketId", "actorId", action) VALUES ($1, $2, 'comment_added')`, [
        t.id,
        user.id,
      ]);
      await client.query(
        `INSERT INTO "EventLog" (type, "aggregateType", "aggregateId", "actorId", payload) VALUES ('CommentAdded', 'Ticket', $1, $2, $3)`,
        [t.id, user.id, { commentId: c.id, internal: c.internal, authorId: user.id, authorRole: user.role }],
      );
      if (staff(user) && !c.internal) {
        // First public agent reply: FIRST_RESPONSE met (and any running NEXT_RESPONSE cycle).
        await client.query(
          `UPDATE "SLAMetric" SET status = 'MET', "completedAt" = now(), "updatedAt" = now()
            WHERE "ticketId" = $1 AND type IN ('FIRST_RESPONSE', 'NEXT_RESPONSE') AND status IN ('ACTIVE', 'AT_RISK', 'PAUSED')`,
          [t.id],
        );
        await client.query(
          `UPDATE "Ticket" SET "firstRespondedAt" = coalesce("firstRespondedAt", now()), "updatedAt" = now() WHERE id = $1`,
          [t.id],
        );
      }
      await client.query('COMMIT');
      reply.code(201);
      return c;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  });
}
