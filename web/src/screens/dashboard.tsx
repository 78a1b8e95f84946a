import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, ok, type Schemas } from '../api';
import { duration, label } from '../format';
import { ComplianceTrend } from './compliance-trend';

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Breaches in the range, counted per UTC day (at most 1,000 read). */
async function breachesPerDay(from: string, to: string): Promise<[number[], number[]]> {
  const counts = new Map<string, number>();
  for (let d = Date.parse(from); d < Date.parse(to); d += DAY) counts.set(isoDay(new Date(d)), 0);
  for (let page = 1; page <= 10; page++) {
    const r = await ok(api.GET('/api/sla/breaches', { params: { query: { from, to, page, pageSize: 100 } } }));
    for (const b of r.items) {
      const day = b.breachedAt.slice(0, 10);
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
    if (page * 100 >= r.total) break;
  }
  const days = [...counts.keys()].sort();
  return [days.map((d) => Date.parse(d) / 1000), days.map((d) => counts.get(d) ?? 0)];
}

function BarChart({ title, data, yLabel }: { title: string; data: [number[], number[]]; yLabel: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const width = Math.min(el.current.clientWidth || 600, 900);
    const plot = new uPlot(
      {
        title,
        width,
        height: 220,
        scales: { x: { time: true } },
        axes: [{}, { label: yLabel }],
        series: [
          {},
          {
            label: yLabel,
            stroke: '#a4161a',
            fill: 'rgba(164,22,26,0.35)',
            paths: uPlot.paths.bars!({ size: [0.6, 40] }),
          },
        ],
      },
      data,
      el.current,
    );
    return () => plot.destroy();
  }, [title, data, yLabel]);
  return <div ref={el} role="img" aria-label={`${title}: ${data[1].reduce((a, b) => a + b, 0)} in total`} />;
}

function Stats({ name, s }: { name: string; s: Schemas['SlaDurationStatsDto'] }) {
  const f = (v: number | null) => (v === null ? '—' : duration(v * 1000));
  return (
    <div className="stat">
      <h2>{name}</h2>
      <p>
        p50 <strong>{f(s.medianSeconds)}</strong> · p90 <strong>{f(s.p90Seconds)}</strong> ({s.count})
      </p>
    </div>
  );
}

export default function Dashboard() {
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 29 * DAY)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const range = { from: `${from}T00:00:00.000Z`, to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY).toISOString() };
  const dash = useQuery({
    queryKey: ['dashboard', range],
    queryFn: () => ok(api.GET('/api/sla/dashboard', { params: { query: range } })),
  });
  const perDay = useQuery({
    queryKey: ['breaches', 'per-day', range],
    queryFn: () => breachesPerDay(range.from, range.to),
  });
  const d = dash.data;
  return (
    <section>
      <h1>SLA dashboard</h1>
      <form className="row" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
        <label>
          From
          <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
        </label>
      </form>
      {dash.error && (
        <p role="alert" className="error">
          {dash.error.message}
        </p>
      )}
      {d && (
        <>
          <div className="stats">
            <div className="stat">
              <h2>Compliance</h2>
              <p>
                <strong>
                  {d.totals.compliancePercent === null ? '—' : `${d.totals.compliancePercent.toFixed(1)} %`}
                </strong>{' '}
                ({d.totals.met} met, {d.totals.breached} breached)
              </p>
            </div>
            <div className="stat">
              <h2>At risk now</h2>
              <p>
                <strong data-testid="at-risk">{d.totals.atRisk}</strong> of {d.totals.active} running ({d.totals.paused}{' '}
                paused)
              </p>
            </div>
            <Stats name="First response" s={d.firstResponse} />
            <Stats name="Resolution" s={d.resolution} />
          </div>
          {perDay.data && <BarChart title="Breaches per day" yLabel="breaches" data={perDay.data} />}
          <ComplianceTrend from={range.from} to={range.to} />
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Compliance per policy">
            <table>
              <caption>Compliance per policy and target</caption>
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">Target</th>
                  <th scope="col">Compliance</th>
                  <th scope="col">Met</th>
                  <th scope="col">Breached</th>
                  <th scope="col">At risk</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => (
                  <tr key={`${r.policyId}:${r.type}`}>
                    <td>{r.policyName}</td>
                    <td>{label(r.type)}</td>
                    <td>
                      {r.compliancePercent === null ? '—' : `${r.compliancePercent.toFixed(1)} %`}
                      <meter
                        min={0}
                        max={100}
                        value={r.compliancePercent ?? 0}
                        aria-label={`${r.policyName} ${label(r.type)} compliance`}
                      />
                    </td>
                    <td>{r.met}</td>
                    <td>{r.breached}</td>
                    <td>{r.atRisk}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
