/**
 * Knowledge-base search benchmark. Seeds KB_BENCH_ARTICLES (default 100000) generated articles into the
 * scratch database named by DATABASE_URL (already migrated: `npm run db:migrate`), then runs
 * KB_BENCH_QUERIES (default 200) searches through KbSearchService and prints p50/p95/p99 latency.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/nixflow_bench KB_BENCH_ARTICLES=20000 \
 *     node backend/dist/src/knowledge-base/bench/kb-search.bench.js
 *
 * Never point it at a real database: it inserts rows (articles tagged "bench-…", one bench author).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { createPrismaClient, type PrismaClient } from '@nixflow/db/client';
import { KbSearchService } from '../kb-search.service.js';
import { TicketAccessService } from '../../tickets/ticket-access.service.js';
import type { SearchQueryDto } from '../dto/kb.dto.js';

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

async function seed(prisma: PrismaClient, n: number): Promise<void> {
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
    // Set-based: titles/bodies built from random dictionary words in SQL.
    await prisma.$executeRaw`
      WITH words AS (SELECT ${WORDS}::text[] AS w)
      INSERT INTO "KnowledgeArticle" (title, slug, body, excerpt, status, "authorId", "publishedAt")
      SELECT initcap(t.title), ${runTag} || '-' || g, t.body, left(t.body, 140),
             CASE WHEN g % 10 = 0 THEN 'DRAFT'::"KnowledgeArticleStatus" ELSE 'PUBLISHED'::"KnowledgeArticleStatus" END,
             ${author.id}::uuid, now() - (g || ' minutes')::interval
      FROM generate_series(${from}::int, ${to}::int) g, words,
      LATERAL (
        SELECT
          -- \`i * 0\` ties the aggregate to the inner series, so it runs per article.
          (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + i * 0], ' ')
             FROM generate_series(1, 4 + (g % 4)) i) AS title,
          (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + i * 0], ' ')
             FROM generate_series(1, 80 + (g % 120)) i) AS body
      ) t`;
    process.stdout.write(`\rseeded ${to}/${n}`);
  }
  await prisma.$executeRawUnsafe('ANALYZE "KnowledgeArticle"');
  console.log(`\nseeding took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to a migrated scratch database.');
    process.exit(2);
  }
  const articles = int(process.env.KB_BENCH_ARTICLES, 100_000);
  const queries = int(process.env.KB_BENCH_QUERIES, 200);
  const prisma = createPrismaClient(url, 4);
  try {
    if (process.env.KB_BENCH_SKIP_SEED !== '1') await seed(prisma, articles);
    const total = await prisma.knowledgeArticle.count();
    const search = new KbSearchService(prisma as never, new TicketAccessService(prisma));
    const pick = () => WORDS[Math.floor(Math.random() * WORDS.length)]!;
    const typo = (w: string) => w.slice(0, -2) + w.slice(-1);
    // Warm-up (plans, caches), not measured.
    for (let i = 0; i < 5; i++) await search.search(undefined, { q: pick(), page: 1, pageSize: 10 } as SearchQueryDto);
    const times: number[] = [];
    let fuzzy = 0;
    for (let i = 0; i < queries; i++) {
      // Mix: one word, two words, a phrase-ish query, and ~10% typos (trigram fallback).
      const r = i % 10;
      const q = r === 0 ? typo(pick()) : r < 5 ? pick() : r < 8 ? `${pick()} ${pick()}` : `how to ${pick()} ${pick()}`;
      const t0 = performance.now();
      const res = await search.search(undefined, { q, page: 1, pageSize: 10 } as SearchQueryDto);
      times.push(performance.now() - t0);
      if (res.mode === 'fuzzy') fuzzy++;
    }
    times.sort((a, b) => a - b);
    const f = (x: number) => `${x.toFixed(1)} ms`;
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
