import type { ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useThemeColors } from '../hooks.js';

const COLORS = { grid: '--border', text: '--text-muted', surface: '--surface' } as const;

export interface StackedSeries<K extends string> {
  key: K;
  name: string;
  /** A CSS custom property of the theme, e.g. `--success`. */
  color: `--${string}`;
}

/**
 * One horizontal bar per row (a site, a technician), its series stacked; the `label` is what a
 * screen reader hears instead of the chart.
 */
export function StackedBars<K extends string>({ rows, series, label, rowHeight }: {
  rows: ({ name: string } & Record<K, number>)[];
  series: readonly [StackedSeries<K>, StackedSeries<K>];
  label: string;
  rowHeight: number;
}): ReactElement {
  // Each call site passes constant series, so the colours are read once (and again on a theme change).
  const colors = useThemeColors({ ...COLORS, first: series[0].color, second: series[1].color });
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={Math.max(160, rows.length * rowHeight + 60)}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} stroke={colors.text} />
          <YAxis type="category" dataKey="name" width={110} stroke={colors.text} />
          <Tooltip contentStyle={{ background: colors.surface }} />
          <Legend />
          <Bar dataKey={series[0].key} name={series[0].name} stackId="stack" fill={colors.first} isAnimationActive={false} />
          <Bar dataKey={series[1].key} name={series[1].name} stackId="stack" fill={colors.second} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
