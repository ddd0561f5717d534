import { sql, type Kysely } from 'kysely';
import { BackendStatusSchema, UP_STATUSES, type BackendStatus, type MachineSummary } from '../../core/backend/schemas.js';
import type { Database, MachinesTable } from '../db/schema.js';
import { applyFilter, toSummary } from '../machines/query.js';

/** Machines still down listed on one printed report; the rest are counted and left to the CSV export. */
export const DOWN_LISTED = 2000;

export interface SiteReport {
  /** null: every site. */
  site: string | null;
  at: string;
  total: number;
  up: number;
  byStatus: Record<BackendStatus, number>;
  /** Over machines fixed: minutes from their first event to the fix. */
  timeToFix: { machines: number; medianMinutes: number | null; p90Minutes: number | null; meanMinutes: number | null };
  /** Per site, when the report covers every site. */
  sites: { site: string | null; total: number; up: number }[];
  down: MachineSummary[];
  downNotListed: number;
}

const oneDecimal = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

/**
 * What a site lead prints: how many machines, how many up, what each status counts, how long a
 * fix takes, and every machine still down (hostname order) so a technician can walk the list.
 */
export async function siteReport(db: Kysely<Database>, site: string | undefined, now = new Date()): Promise<SiteReport> {
  const filter = site === undefined ? {} : { site };
  const downStatuses = BackendStatusSchema.options.filter((s) => !UP_STATUSES.includes(s));
  const [statusRows, fixTimes, downRows, siteRows] = await Promise.all([
    applyFilter(db.selectFrom('machines').selectAll(), filter).clearSelect().select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute(),
    timeToFix(db, filter),
    applyFilter(db.selectFrom('machines').selectAll(), { ...filter, status: downStatuses }).orderBy('host_key').limit(DOWN_LISTED).execute(),
    site === undefined
      ? db.selectFrom('machines').select(['site', 'status', sql<number>`count(*)`.as('n')]).groupBy(['site', 'status']).execute()
      : Promise.resolve([]),
  ]);
  const byStatus = Object.fromEntries(BackendStatusSchema.options.map((s) => [s, 0])) as Record<BackendStatus, number>;
  for (const row of statusRows) if (row.status in byStatus) byStatus[row.status as BackendStatus] += Number(row.n);
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const up = UP_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  const sites = new Map<string | null, { site: string | null; total: number; up: number }>();
  for (const row of siteRows) {
    const entry = sites.get(row.site) ?? { site: row.site, total: 0, up: 0 };
    entry.total += Number(row.n);
    if (UP_STATUSES.includes(row.status as BackendStatus)) entry.up += Number(row.n);
    sites.set(row.site, entry);
  }
  const downCount = total - up;
  return {
    site: site ?? null,
    at: now.toISOString(),
    total,
    up,
    byStatus,
    timeToFix: fixTimes,
    sites: [...sites.values()].sort((a, b) => (a.site ?? '').localeCompare(b.site ?? '')),
    down: (downRows as MachinesTable[]).map(toSummary),
    downNotListed: Math.max(0, downCount - downRows.length),
  };
}

/**
 * Median, 90th percentile (nearest rank) and mean of the minutes to fix, read by offset in the
 * database's own sort: a report over a million machines never holds their times in memory.
 */
async function timeToFix(db: Kysely<Database>, filter: { site?: string }): Promise<SiteReport['timeToFix']> {
  const fixed = () =>
    applyFilter(db.selectFrom('machines').selectAll(), { ...filter, status: ['fixed'] })
      .clearSelect()
      .where('up_at_ms', 'is not', null)
      .where('first_at_ms', 'is not', null);
  const totals = await fixed().select([sql<number>`count(*)`.as('n'), sql<number | null>`avg(up_at_ms - first_at_ms)`.as('mean')]).executeTakeFirstOrThrow();
  const n = Number(totals.n);
  const at = async (p: number): Promise<number | null> => {
    if (n === 0) return null;
    const row = await fixed()
      .select(sql<number>`up_at_ms - first_at_ms`.as('ms'))
      .orderBy(sql`up_at_ms - first_at_ms`)
      .limit(1)
      .offset(Math.min(n - 1, Math.ceil((p / 100) * n) - 1))
      .executeTakeFirst();
    return row ? Number(row.ms) / 60_000 : null;
  };
  const [median, p90] = await Promise.all([at(50), at(90)]);
  return {
    machines: n,
    medianMinutes: oneDecimal(median),
    p90Minutes: oneDecimal(p90),
    meanMinutes: oneDecimal(totals.mean === null ? null : Number(totals.mean) / 60_000),
  };
}
