import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { api, ok } from '../api';
import { label } from '../format';

const DAY = 86_400_000;
/** At most this many points per line: the range is cut into equal buckets of whole days. */
const MAX_BUCKETS = 15;
const COLORS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0f766e', '#4d7c0f', '#9d174d'];

interface Trend {
  /** Bucket starts, in seconds (uPlot's x). */
  xs: number[];
  /** One line per policy and target type: compliance % per bucket, null where nothing ended. */
  lines: { name: string; values: (number | null)[] }[];
}

/**
 * Compliance per policy and target type over time: the dashboard endpoint asked once per bucket of the
 * range (the API aggregates one range per call), so a 30-day range is 15 two-day points.
 */
async function complianceTrend(from: string, to: string): Promise<Trend> {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const stepDays = Math.max(1, Math.ceil((end - start) / DAY / MAX_BUCKETS));
  const starts: number[] = [];
  for (let t = start; t < end; t += stepDays * DAY) starts.push(t);
  const buckets = await Promise.all(
    starts.map((t) =>
      ok(
        api.GET('/api/sla/dashboard', {
          params: {
            query: { from: new Date(t).toISOString(), to: new Date(Math.min(end, t + stepDays * DAY)).toISOString() },
          },
        }),
      ),
    ),
  );
  const byLine = new Map<string, (number | null)[]>();
  buckets.forEach((b, i) => {
    for (const r of b.rows) {
      const name = `${r.policyName} · ${label(r.type)}`;
      const values = byLine.get(name) ?? starts.map(() => null);
      values[i] = r.compliancePercent;
      byLine.set(name, values);
    }
  });
  return {
    xs: starts.map((t) => t / 1000),
    lines: [...byLine.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values })),
  };
}

function LineChart({ trend }: { trend: Trend }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const width = Math.min(el.current.clientWidth || 600, 900);
    const plot = new uPlot(
      {
        title: 'Compliance over time',
        width,
        height: 240,
        scales: { x: { time: true }, y: { range: [0, 100] } },
        axes: [{}, { label: '% met' }],
        series: [
          {},
          ...trend.lines.map((l, i) => ({
            label: l.name,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            spanGaps: true,
            points: { show: true },
          })),
        ],
      },
      [trend.xs, ...trend.lines.map((l) => l.values)] as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [trend]);
  const summary = trend.lines.length
    ? `${trend.lines.length} line(s), one per policy and target: ${trend.lines.map((l) => l.name).join(', ')}`
    : 'no metric ended in this range';
  return <div ref={el} role="img" data-testid="compliance-trend" aria-label={`Compliance over time: ${summary}`} />;
}

export function ComplianceTrend({ from, to }: { from: string; to: string }) {
  const trend = useQuery({ queryKey: ['dashboard', 'trend', from, to], queryFn: () => complianceTrend(from, to) });
  if (trend.error)
    return (
      <p role="alert" className="error">
        {trend.error.message}
      </p>
    );
  return trend.data ? <LineChart trend={trend.data} /> : null;
}
