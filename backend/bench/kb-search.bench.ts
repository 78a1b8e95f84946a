/**
 * Knowledge-base search benchmark. Seeds KB_BENCH_ARTICLES (default 100000) generated articles into the
 * scratch database named by DATABASE_URL (already migrated: `npm run db:migrate`), then runs
 * KB_BENCH_QUERIES (default 200) searches through KbSearchService and prints p50/p95/p99 latency.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/nixflow_bench KB_BENCH_ARTICLES=20000 \
 *     node backend/dist/bench/kb-search.bench.js
 *
 * KB_BENCH_CORPUS=dense makes every word a topic word (worst case, see seed()).
 * KB_BENCH_JSON=<file> also writes the figures (numbers in ms) as JSON for `npm run bench`.
 *
 * Never point it at a real database: it inserts rows (articles tagged "bench-…", one bench author).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { KbSearchService } from '../src/knowledge-base/kb-search.service.js';
import { KeyedConfigCache, TicketAccessService } from '@nixflow/domain';
import type { SearchQueryDto } from '../src/knowledge-base/dto/kb.dto.js';

const WORDS = [
  'password',
  'reset',
  'login',
  'account',
  'billing',
  'invoice',
  'refund',
  'migration',
  'database',
  'export',
  'import',
  'email',
  'notification',
  'webhook',
  'integration',
  'permission',
  'role',
  'agent',
  'customer',
  'ticket',
  'workflow',
  'escalation',
  'deadline',
  'schedule',
  'holiday',
  'calendar',
  'report',
  'dashboard',
  'chart',
  'filter',
  'search',
  'attachment',
  'upload',
  'download',
  'security',
  'token',
  'session',
  'timeout',
  'error',
  'upgrade',
  'install',
  'configure',
  'backup',
  'restore',
  'sync',
  'mobile',
  'browser',
  'language',
  'timezone',
  'theme',
];

const int = (v: string | undefined, d: number) => {
  const n = Number.parseInt(v ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : d;
};

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Seeds n articles; returns how long it took (ms). */
async function seed(prisma: PrismaClient, n: number): Promise<number> {
  const author = await prisma.user.upsert({
    where: { email: 'kb-bench@nixflow.local' },
    create: { email: 'kb-bench@nixflow.local', name: 'KB bench', role: 'AGENT' },
    update: {},
  });
  const runTag = `bench-${Date.now().toString(36)}`;
  const chunk = 20_000;
  const started = performance.now();
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    // Set-based, in SQL. Realistic corpus (default): each article is about two of the topic WORDS (in the
    // title and every 20th word of the body), mentions a few others, and is otherwise made of filler words
    // from a 3000-word vocabulary with a skewed (Zipf-like) frequency, so one topic word matches
    // ~8 % of the articles. KB_BENCH_CORPUS=dense: every word is a topic word (a query matches ~85 %
    // of the knowledge base: the worst case for ranking).
    const dense = process.env.KB_BENCH_CORPUS === 'dense';
    await prisma.$executeRaw`
      WITH words AS (SELECT ${WORDS}::text[] AS w),
      syl AS (SELECT ARRAY['ka','lo','mi','ne','ru','ta','vo','zi','pe','sa','do','fi','gu','ho','ja','be','cy','wu','xo','qi'] AS s)
      INSERT INTO "KnowledgeArticle" (title, slug, body, excerpt, status, "authorId", "publishedAt")
      SELECT initcap(t.title), ${runTag} || '-' || g, t.body, left(t.body, 140),
             CASE WHEN (g / 50) % 10 = 0 THEN 'DRAFT'::"KnowledgeArticleStatus" ELSE 'PUBLISHED'::"KnowledgeArticleStatus" END,
             ${author.id}::uuid, now() - (g || ' minutes')::interval
      FROM generate_series(${from}::int, ${to}::int) g, words, syl,
      LATERAL (SELECT w[1 + g % 50] AS t1, w[1 + (g * 7 + g / 50) % 50] AS t2) topic,
      LATERAL (
        SELECT
          -- \`i * 0\` ties the aggregate to the inner series, so it runs per article.
          (SELECT string_agg(CASE WHEN ${dense} THEN w[1 + floor(random() * 50)::int + i * 0]
                                  WHEN i = 1 THEN topic.t1 WHEN i = 3 THEN topic.t2
                                  ELSE filler.word END, ' ')
             FROM generate_series(1, 4 + (g % 4)) i, LATERAL (SELECT floor(3000 * random() ^ 3)::int + i * 0 AS k) r,
                  LATERAL (SELECT s[1 + r.k % 20] || s[1 + (r.k / 20) % 20] || s[1 + r.k / 400] AS word) filler) AS title,
          (SELECT string_agg(CASE WHEN ${dense} THEN w[1 + floor(random() * 50)::int + i * 0]
                                  WHEN i % 40 = 1 THEN topic.t1 WHEN i % 40 = 21 THEN topic.t2
                                  WHEN random() < 0.015 THEN w[1 + floor(random() * 50)::int + i * 0]
                                  ELSE filler.word END, ' ')
             FROM generate_series(1, 80 + (g % 120)) i, LATERAL (SELECT floor(3000 * random() ^ 3)::int + i * 0 AS k) r,
                  LATERAL (SELECT s[1 + r.k % 20] || s[1 + (r.k / 20) % 20] || s[1 + r.k / 400] AS word) filler) AS body
      ) t`;
    process.stdout.write(`\rseeded ${to}/${n}`);
  }
  // What autovacuum leaves a running system in (CI's PostgreSQL runs without it): hint bits set, the GIN
  // pending lists merged, statistics. Without, the first searches after a bulk load pay for all three.
  await prisma.$executeRawUnsafe('VACUUM (ANALYZE) "KnowledgeArticle", "KnowledgeWord"');
  const took = performance.now() - started;
  console.log(`\nseeding took ${(took / 1000).toFixed(1)} s`);
  return took;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to a migrated scratch database.');
    process.exit(2);
  }
  const articles = int(process.env.KB_BENCH_ARTICLES, 100_000);
  const queries = int(process.env.KB_BENCH_QUERIES, 200);
  // As the API runs against PostgreSQL itself (DATABASE_PREPARED_STATEMENTS=auto): statements prepared.
  const prisma = createPrismaClient(url, 4, { preparedStatements: true });
  try {
    const seededIn = process.env.KB_BENCH_SKIP_SEED !== '1' ? await seed(prisma, articles) : undefined;
    const total = await prisma.knowledgeArticle.count();
    // The search itself, every time: a cache that never listens keeps nothing (KbSearchCache is the API's).
    const search = new KbSearchService(
      prisma as never,
      new TicketAccessService(prisma),
      new KeyedConfigCache(null, [], 0),
    );
    const pick = () => WORDS[Math.floor(Math.random() * WORDS.length)]!;
    const typo = (w: string) => w.slice(0, -2) + w.slice(-1);
    // Warm-up (plans, caches), not measured.
    for (let i = 0; i < 5; i++) await search.search(undefined, { q: pick(), page: 1, pageSize: 10 } as SearchQueryDto);
    const times: number[] = [];
    const byKind: Record<string, number[]> = { typo: [], oneWord: [], twoWords: [], phrase: [] };
    let fuzzy = 0;
    for (let i = 0; i < queries; i++) {
      // Mix: one word, two words, a phrase-ish query, and ~10% typos (trigram fallback).
      const r = i % 10;
      const q = r === 0 ? typo(pick()) : r < 5 ? pick() : r < 8 ? `${pick()} ${pick()}` : `how to ${pick()} ${pick()}`;
      const t0 = performance.now();
      const res = await search.search(undefined, { q, page: 1, pageSize: 10 } as SearchQueryDto);
      const took = performance.now() - t0;
      times.push(took);
      byKind[r === 0 ? 'typo' : r < 5 ? 'oneWord' : r < 8 ? 'twoWords' : 'phrase']!.push(took);
      if (res.mode === 'fuzzy') fuzzy++;
    }
    times.sort((a, b) => a - b);
    const f = (x: number) => `${x.toFixed(1)} ms`;
    if (process.env.KB_BENCH_JSON) {
      const ms = (x: number) => Math.round(x * 10) / 10;
      const figures = {
        articlesInTable: total,
        queries,
        fuzzyFallbacks: fuzzy,
        seedSeconds: seededIn === undefined ? null : ms(seededIn / 1000),
        p50Ms: ms(percentile(times, 50)),
        p95Ms: ms(percentile(times, 95)),
        p99Ms: ms(percentile(times, 99)),
        maxMs: ms(times[times.length - 1]!),
        p50MsByKind: Object.fromEntries(
          Object.entries(byKind).map(([k, v]) => [
            k,
            ms(
              percentile(
                [...v].sort((a, b) => a - b),
                50,
              ),
            ),
          ]),
        ),
      };
      writeFileSync(process.env.KB_BENCH_JSON, `${JSON.stringify(figures, null, 2)}\n`);
    }
    console.log(
      JSON.stringify(
        {
          articlesInTable: total,
          queries,
          fuzzyFallbacks: fuzzy,
          p50: f(percentile(times, 50)),
          p95: f(percentile(times, 95)),
          p99: f(percentile(times, 99)),
          max: f(times[times.length - 1]!),
        },
        null,
        2,
      ),
    );
  } finally {
    await prisma.$disconnect();
  }
}

await main();
