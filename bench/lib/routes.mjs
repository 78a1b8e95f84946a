// The benchmarked routes. Each is measured against the real API and the baseline server with the
// same requests; a route the API does not have yet (not in its OpenAPI document) is listed as skipped.
import { TICKET_TAGS } from './seed.mjs';

// Words the KB seed writes articles from (backend/bench/kb-search.bench.ts).
const KB_WORDS = [
  'password',
  'reset',
  'billing',
  'invoice',
  'migration',
  'database',
  'webhook',
  'permission',
  'escalation',
  'holiday',
  'dashboard',
  'attachment',
  'security',
  'session',
  'timeout',
  'upgrade',
  'backup',
  'timezone',
];
const KB_QUERIES = [
  ...KB_WORDS,
  ...KB_WORDS.slice(0, 8).map((w, i) => `${w} ${KB_WORDS[(i * 5 + 3) % KB_WORDS.length]}`),
  'how to reset password',
  'migrating database',
  'pasword', // typos: the trigram fallback
  'invocie',
];

// The seed's filler words (backend/bench/kb-search.bench.ts): word k is made of three of these syllables, and
// the low k are the frequent ones.
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'vo',
  'zi',
  'pe',
  'sa',
  'do',
  'fi',
  'gu',
  'ho',
  'ja',
  'be',
  'cy',
  'wu',
  'xo',
  'qi',
];
const fillerWord = (k) => SYLLABLES[k % 20] + SYLLABLES[Math.floor(k / 20) % 20] + SYLLABLES[Math.floor(k / 400)];

/**
 * Long-tail searches, each asked once in a run: a topic word and one of the 1,000 most frequent filler
 * words, so most have matches (18,000 distinct queries before one repeats). No cache can have seen them.
 */
function unseenKbQueries() {
  let n = 0;
  return () => {
    const i = n++;
    return `${KB_WORDS[i % KB_WORDS.length]} ${fillerWord(Math.floor(i / KB_WORDS.length) % 1000)}`;
  };
}

const cycle = (list) => {
  let i = 0;
  return () => list[i++ % list.length];
};

const STATUSES = ['OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER'];
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

/** ctx: { tokens: { admin, agent, customer }, ids: { agents: [...], customers: [...], tickets: [...] } } */
export function benchRoutes(ctx) {
  const { tokens, ids } = ctx;
  const popularKbQuery = cycle(KB_QUERIES);
  const unseenKbQuery = unseenKbQueries();
  // What a help centre's search box gets: the same few problems asked again and again, and a long tail of
  // queries asked once. Half and half here (bench/README.md); the "unseen" route is the tail alone.
  let kbTurn = 0;
  const kbQuery = () => (kbTurn++ % 2 === 0 ? popularKbQuery() : unseenKbQuery());
  let n = 0;
  const next = () => n++;
  return [
    {
      name: 'GET /api/sla/policies',
      apiPath: '/api/sla/policies',
      apiMethod: 'get',
      method: 'GET',
      token: tokens.agent,
      path: () => '/api/sla/policies',
    },
    {
      name: 'GET /api/kb/search',
      apiPath: '/api/kb/search',
      apiMethod: 'get',
      method: 'GET',
      token: tokens.customer,
      path: () => `/api/kb/search?q=${encodeURIComponent(kbQuery())}&pageSize=10`,
    },
    {
      // The search itself: every query new to the API's result cache (KbSearchCache), its worst case.
      name: 'GET /api/kb/search (unseen queries only)',
      apiPath: '/api/kb/search',
      apiMethod: 'get',
      method: 'GET',
      token: tokens.customer,
      path: () => `/api/kb/search?q=${encodeURIComponent(unseenKbQuery())}&pageSize=10`,
    },
    {
      name: 'GET /api/tickets (filtered, paged)',
      apiPath: '/api/tickets',
      apiMethod: 'get',
      method: 'GET',
      token: tokens.agent,
      // Agent views: status + priority, assignee, tag; pages 1–5 of 25, newest first.
      path: () => {
        const i = next();
        const page = 1 + (i % 5);
        const f = i % 3;
        const filter =
          f === 0
            ? `status=${STATUSES[i % 3]}&priority=${PRIORITIES[(i >> 2) % 4]}`
            : f === 1
              ? `assigneeId=${ids.agents[i % ids.agents.length]}&status=OPEN`
              : `tag=${TICKET_TAGS[i % TICKET_TAGS.length]}`;
        return `/api/tickets?${filter}&page=${page}&pageSize=25`;
      },
    },
    {
      name: 'POST /api/tickets',
      apiPath: '/api/tickets',
      apiMethod: 'post',
      method: 'POST',
      token: tokens.agent,
      path: () => '/api/tickets',
      body: () => {
        const i = next();
        return {
          requesterId: ids.customers[i % ids.customers.length],
          subject: `Bench ticket ${i}: cannot export invoices`,
          description: 'The export button spins forever since this morning. Steps attached.',
          priority: PRIORITIES[i % 4],
          tags: [TICKET_TAGS[i % TICKET_TAGS.length]],
        };
      },
    },
    {
      name: 'POST /api/tickets/:id/comments',
      apiPath: '/api/tickets/{id}/comments',
      apiMethod: 'post',
      method: 'POST',
      token: tokens.agent,
      path: () => `/api/tickets/${ids.tickets[next() % ids.tickets.length]}/comments`,
      body: () => ({ body: 'Thanks for the report, we are looking into it and will get back to you shortly.' }),
    },
  ];
}
