import { useCallback, type ReactElement } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Burndown } from '../../../core/backend/dashboard.js';
import type { Summary } from '../../../core/backend/schemas.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { Loading } from '../../ui/Spinner.js';
import { helpdeskApi } from '../api.js';
import { StackedBars } from './StackedBars.js';
import { useLiveResource, useThemeColors } from '../hooks.js';
import { useToken } from '../session.js';
import { etaSentence, formatCount, formatHour, formatPercent, STATUS_LABEL, STATUS_ORDER, STATUS_TONE } from '../words.js';

const COLORS = { down: '--danger', grid: '--border', text: '--text-muted', surface: '--surface' } as const;

/** "How far are we?": big numbers by status, the burn-down, sites, technicians and the ETA, live. */
export function Overview(): ReactElement {
  const token = useToken();
  const loadSummary = useCallback((signal: AbortSignal) => helpdeskApi(token).call('getSummary', {}, 'Reading the summary', signal), [token]);
  const loadBurndown = useCallback((signal: AbortSignal) => helpdeskApi(token).call('getBurndown', { hours: 24 }, 'Reading the burn-down', signal), [token]);
  const summary = useLiveResource(loadSummary, 'summary');
  const burn = useLiveResource(loadBurndown, 'burndown');

  if (!summary.data) {
    return summary.error ? <ErrorBanner title="The overview could not be read" message={summary.error} /> : <Loading>Reading the summary…</Loading>;
  }
  const s = summary.data;
  const up = s.total - s.remaining;
  return (
    <div className="stack">
      {summary.error ? <ErrorBanner title="The latest numbers could not be read; these are from before" message={summary.error} /> : null}
      <section className="headline" aria-label="Progress">
        <p className="headline__main">
          <strong>{formatPercent(up, s.total)}</strong> up: {formatCount(up)} of {formatCount(s.total)} machines
        </p>
        <p className="headline__eta" data-testid="eta">
          {etaSentence(s)}
        </p>
      </section>
      <section aria-label="Machines by status" className="stats">
        {STATUS_ORDER.map((status) => (
          <div key={status} role="group" aria-labelledby={`stat-${status}`} className={`stat stat--${STATUS_TONE[status]}`}>
            <span className="stat__label" id={`stat-${status}`}>
              {STATUS_LABEL[status]}
            </span>
            <span className="stat__value">{formatCount(s.byStatus[status] ?? 0)}</span>
          </div>
        ))}
      </section>
      <div className="charts">
        <Card title="Still down, per hour" description="Machines of the fleet not yet up at each hour of the last day." className="chart-card chart-card--wide">
          {burn.data ? <BurndownChart data={burn.data} /> : burn.error ? <p role="alert">{burn.error}</p> : <Loading>Reading the burn-down…</Loading>}
        </Card>
        <Card title="By site" description="Up and still down, per site." className="chart-card">
          <SiteBars summary={s} />
        </Card>
        <Card title="By technician" description="Machines fixed and worked on, per technician." className="chart-card">
          <TechnicianBars summary={s} />
        </Card>
      </div>
    </div>
  );
}

function BurndownChart({ data }: { data: Burndown }): ReactElement {
  const colors = useThemeColors(COLORS);
  const first = data.points[0];
  const last = data.points.at(-1);
  const label = first && last ? `Burn-down: ${formatCount(first.down)} down at ${formatHour(first.at)}, ${formatCount(last.down)} down now.` : 'Burn-down: no data yet.';
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data.points} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis dataKey="at" tickFormatter={formatHour} stroke={colors.text} minTickGap={24} />
          <YAxis allowDecimals={false} stroke={colors.text} width={56} />
          <Tooltip labelFormatter={(at) => formatHour(String(at))} formatter={(value) => [formatCount(Number(value)), 'Still down']} contentStyle={{ background: colors.surface }} />
          <Area type="monotone" dataKey="down" stroke={colors.down} fill={colors.down} fillOpacity={0.18} strokeWidth={2} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

const SITE_SERIES = [
  { key: 'up', name: 'Up', color: '--success' },
  { key: 'down', name: 'Still down', color: '--danger' },
] as const;

function SiteBars({ summary }: { summary: Summary }): ReactElement {
  const rows = summary.bySite.map((site) => ({ name: site.site ?? 'No site', up: site.up, down: site.total - site.up }));
  if (rows.length === 0) return <p className="muted">No machines yet.</p>;
  const label = `By site: ${rows.map((r) => `${r.name} ${formatCount(r.up)} up, ${formatCount(r.down)} down`).join('; ')}.`;
  return <StackedBars rows={rows} series={SITE_SERIES} label={label} rowHeight={34} />;
}

/** The busiest technicians; the rest are in the machine table's filter. */
const TOP_TECHNICIANS = 12;

const TECHNICIAN_SERIES = [
  { key: 'fixed', name: 'Fixed', color: '--success' },
  { key: 'other', name: 'Other outcome or in progress', color: '--accent' },
] as const;

function TechnicianBars({ summary }: { summary: Summary }): ReactElement {
  const rows = summary.byTechnician.slice(0, TOP_TECHNICIANS).map((t) => ({ name: t.technician, fixed: t.fixed, other: t.machines - t.fixed }));
  if (rows.length === 0) return <p className="muted">No technician has reported yet.</p>;
  const label = `By technician: ${rows.map((r) => `${r.name} ${formatCount(r.fixed)} fixed`).join('; ')}.`;
  return <StackedBars rows={rows} series={TECHNICIAN_SERIES} label={label} rowHeight={30} />;
}
