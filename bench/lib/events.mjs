// Ticket event processing: events per second through the worker's watermark consumer (EventConsumer
// "sla"). A burst of N events (mostly ticket events the SLA consumer skips, 10 % SLA alerts that make
// notifications) is committed at once; the rate is N / (time until the watermark passes the last one).
import fs from 'node:fs';
import path from 'node:path';
import { progress, ROOT } from './common.mjs';
import { connect } from './database.mjs';

export const CONSUMER_NAME = 'sla';
const CONSUMER_BUILD = path.join(ROOT, 'worker/dist/src/sla/sla-event-consumer.service.js');

export const consumerAvailable = () => fs.existsSync(CONSUMER_BUILD);

export async function measureEventConsumer(url, { events, timeoutMs = 120_000 }) {
  if (!consumerAvailable()) return { missing: 'TODO: the watermark consumer (sla helper) is not on main yet' };
  const c = await connect(url);
  try {
    // Let the consumer catch up with whatever the load left behind first.
    const caughtUp = async () => {
      const { rows } = await c.query(
        `SELECT (SELECT coalesce(max(id), 0) FROM "EventLog") AS max,
                (SELECT "lastEventId" FROM "EventConsumer" WHERE name = $1) AS pos,
                (SELECT count(*) FROM "EventLog" e, "EventConsumer" p
                  WHERE p.name = $1 AND (e."txId", e.id) > (p."lastTxId", p."lastEventId"))::int AS behind`,
        [CONSUMER_NAME],
      );
      return rows[0];
    };
    const wait = async (label) => {
      const start = Date.now();
      let state = await caughtUp();
      while (state.pos === null || state.behind > 0) {
        if (Date.now() - start > timeoutMs)
          throw new Error(`event consumer did not catch up (${label}): ${JSON.stringify(state)}`);
        await new Promise((r) => setTimeout(r, 25));
        state = await caughtUp();
      }
      return state;
    };
    const backlog = await caughtUp();
    progress(`events: consumer backlog after the load ${backlog.behind ?? 'n/a'}; waiting`);
    await wait('backlog');
    progress(`events: committing ${events} events`);
    await c.query(
      `WITH m AS (
         SELECT m.id, m."ticketId", m.type, m."dueAt", row_number() OVER () AS rn
         FROM "SLAMetric" m WHERE m.status = 'ACTIVE' LIMIT 1000)
       INSERT INTO "EventLog" (type, "aggregateType", "aggregateId", payload)
       SELECT CASE WHEN g % 10 = 0 THEN 'SLAAtRisk' WHEN g % 3 = 0 THEN 'CommentAdded'
                   WHEN g % 3 = 1 THEN 'TicketUpdated' ELSE 'StatusChanged' END,
              'Ticket', m."ticketId"::text,
              CASE WHEN g % 10 = 0
                   THEN jsonb_build_object('metricId', m.id, 'type', m.type, 'dueAt', m."dueAt")
                   ELSE jsonb_build_object('field', 'status') END
       FROM generate_series(1, $1::int) g JOIN m ON m.rn = 1 + g % 1000`,
      [events],
    );
    const t0 = Date.now();
    const start = Date.now();
    let first = null;
    let state = await caughtUp();
    while (state.behind > 0) {
      if (Date.now() - start > timeoutMs) throw new Error(`event consumer did not catch up: ${JSON.stringify(state)}`);
      if (first === null && state.behind < events) first = { at: Date.now(), behind: state.behind };
      await new Promise((r) => setTimeout(r, 25));
      state = await caughtUp();
    }
    const done = Date.now();
    const total = (done - t0) / 1000;
    const steady = first && done > first.at ? first.behind / ((done - first.at) / 1000) : null;
    const result = {
      events,
      seconds: Math.round(total * 100) / 100,
      eventsPerSecond: Math.round(events / total),
      // Excludes the wait for the next scheduled run (EVENT_CONSUMER_INTERVAL_MS).
      steadyEventsPerSecond: steady && Number.isFinite(steady) ? Math.round(steady) : null,
    };
    progress(`events: ${result.eventsPerSecond} events/s (steady ${result.steadyEventsPerSecond ?? 'n/a'})`);
    return result;
  } finally {
    await c.end();
  }
}
