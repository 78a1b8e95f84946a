// results.json → results.md: one table (every figure, with the baseline and the ratio where there is
// one), then the settings and the EXPLAIN plans.
const fmt = (x, unit = '') => (x == null ? 'n/a' : `${typeof x === 'number' ? x.toLocaleString('en-US') : x}${unit}`);

function load(r) {
  const cpu =
    r.serverCpuMsPerRequest == null
      ? ''
      : ` · CPU/request: server ${fmt(r.serverCpuMsPerRequest, ' ms')}, PostgreSQL ${fmt(Math.max(0, r.dbCpuMsPerRequest), ' ms')}`;
  return `${fmt(r.rps)} req/s · p50 ${fmt(r.p50, ' ms')} · p99 ${fmt(r.p99, ' ms')} · ${r.errors + r.non2xx} errors/non-2xx${cpu}`;
}

/** bench:sla's JSON, whatever its exact shape: its own `table` rows if any, otherwise its scalar fields. */
function slaRows(sla) {
  if (!sla || sla.missing || sla.failed)
    return [['SLA worker (npm run bench:sla)', sla?.missing ?? sla?.failed ?? 'n/a', '', '']];
  const r = sla.results;
  if (Array.isArray(r.sizes)) {
    // worker/bench/sla-bench.ts: { sizes: [{ n, openMetrics, pass0Ms, passes: [{ k, ms }] }], delay: [...] }
    const rows = r.sizes.map((s) => [
      `SLA monitoring pass, ${fmt(s.n)} open tickets (${fmt(s.openMetrics)} open metrics)`,
      [`0 due ${fmt(s.pass0Ms, ' ms')}`, ...(s.passes ?? []).map((p) => `${fmt(p.k)} due ${fmt(p.ms, ' ms')}`)].join(
        ' · ',
      ),
      '',
      '',
    ]);
    for (const d of r.delay ?? []) {
      rows.push([
        `SLA breach detection delay, worker interval ${fmt(d.intervalMs, ' ms')}`,
        `p50 ${fmt(d.p50Ms, ' ms')} · p99 ${fmt(d.p99Ms, ' ms')} · max ${fmt(d.maxMs, ' ms')} (${fmt(d.detected)}/${fmt(d.metrics)} detected)`,
        '',
        '',
      ]);
    }
    return rows;
  }
  if (Array.isArray(r.table)) {
    return r.table.map((row) => [
      `SLA: ${row.benchmark ?? row.name ?? row.measure ?? '?'}`,
      String(row.result ?? row.value ?? JSON.stringify(row)),
      '',
      '',
    ]);
  }
  const rows = [];
  const walk = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, `${prefix}${k}.`);
      else if (Array.isArray(v)) {
        v.forEach((item, i) =>
          item && typeof item === 'object'
            ? walk(item, `${prefix}${k}[${item.n ?? item.tickets ?? i}].`)
            : rows.push([`SLA: ${prefix}${k}[${i}]`, fmt(item), '', '']),
        );
      } else rows.push([`SLA: ${prefix}${k}`, fmt(v), '', '']);
    }
  };
  walk(r, '');
  return rows;
}

export function renderMarkdown(res) {
  const rows = [];
  for (const a of res.api) {
    if (a.skipped) rows.push([`API ${a.route}`, `skipped: ${a.skipped}`, '', '']);
    else rows.push([`API ${a.route}`, load(a.api), load(a.baseline), fmt(a.ratio)]);
  }
  const kb = res.kb;
  rows.push([
    `KB search in-process, ${fmt(kb.articlesInTable)} articles, ${kb.queries} queries`,
    `p50 ${fmt(kb.p50Ms, ' ms')} · p95 ${fmt(kb.p95Ms, ' ms')} · p99 ${fmt(kb.p99Ms, ' ms')} (${kb.fuzzyFallbacks} trigram fallbacks)`,
    '',
    '',
  ]);
  if (kb.p50MsByKind) {
    rows.push([
      'KB search p50 by query kind',
      Object.entries(kb.p50MsByKind)
        .map(([k, v]) => `${k} ${fmt(v, ' ms')}`)
        .join(' · '),
      '',
      '',
    ]);
  }
  const m = res.memory;
  rows.push([
    'Memory (RSS) API: idle → end of load (peak)',
    `${fmt(m.apiIdleMiB, ' MiB')} → ${fmt(m.apiAfterLoadMiB, ' MiB')} (${fmt(m.apiPeakMiB, ' MiB')})`,
    `${fmt(m.baselineIdleMiB, ' MiB')} → ${fmt(m.baselineAfterLoadMiB, ' MiB')}`,
    '',
  ]);
  rows.push([
    'Memory (RSS) worker: idle → end of load (peak)',
    `${fmt(m.workerIdleMiB, ' MiB')} → ${fmt(m.workerAfterLoadMiB, ' MiB')} (${fmt(m.workerPeakMiB, ' MiB')})`,
    '',
    '',
  ]);
  const e = res.events;
  rows.push([
    'Ticket event processing (watermark consumer)',
    e?.missing ??
      `${fmt(e.eventsPerSecond)} events/s for a burst of ${fmt(e.events)} (${e.seconds} s; steady ${fmt(e.steadyEventsPerSecond)} events/s)`,
    '',
    '',
  ]);
  rows.push(...slaRows(res.sla));

  const table = [
    '| benchmark | nixflow | baseline (Fastify + pg, same SQL) | ratio (req/s) |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
  const s = res.settings;
  const slaPlans = Object.entries(res.sla?.results?.explain ?? {}).map(
    ([name, plan]) => `### SLA sweep: ${name} (from npm run bench:sla)\n\n\`\`\`\n${plan}\n\`\`\`\n`,
  );
  const plans = [
    ...Object.entries(res.plans ?? {}).map(
      ([name, p]) => `### ${name}\n\n\`\`\`sql\n${p.sql}\n\`\`\`\n\n\`\`\`\n${p.plan}\n\`\`\`\n`,
    ),
    ...slaPlans,
  ].join('\n');
  return `# nixflow benchmark results

${res.at} · ${res.machine.cpus} CPUs, ${res.machine.memGiB} GiB, Node ${res.machine.node}, commit ${res.machine.commit ?? 'n/a'}, load average at start ${res.machine.loadAverage1m.toFixed(2)} ·
${fmt(res.sizes.tickets)} tickets, ${fmt(res.sizes.slaMetrics)} SLA metrics, ${fmt(res.sizes.articles)} KB articles ·
autocannon per route and side: ${s.duration} s in ${s.rounds} alternating slices × ${s.connections} connections after ${s.warmup} s warm-up, 127.0.0.1 · whole run ${res.durationSeconds} s

${table}

Ratio = nixflow req/s ÷ baseline req/s in the same run (1.0 = as fast as the ceiling). The baseline
verifies the JWT but, unlike the API, does not look the user up (token revocation check).
CPU/request: CPU time (user + system, from /proc) of the serving process, and of all PostgreSQL
processes, over that side's slices, divided by its requests: where a gap comes from (framework or database).
A PostgreSQL process that exits during a slice takes its CPU time with it (shown as 0 when that makes it negative).

## Plans

${plans}`;
}
