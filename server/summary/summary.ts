import { sql, type Kysely } from 'kysely';
import { BackendStatusSchema, UP_STATUSES, type BackendStatus, type Summary } from '../../core/backend/schemas.js';
import type { Database } from '../db/schema.js';

const HOUR_MS = 3_600_000;

/**
 * "How far are we?": counts by status, site and technician, how many machines came up in the
 * last hour, and when the rest will be up at that rate. The counts come from machine_tally (kept
 * by triggers, migrations.ts): no machine rows are grouped, so it stays quick over a million machines.
 */
export async function summarize(db: Kysely<Database>, now = new Date()): Promise<Summary> {
  const nowMs = now.getTime();
  const [tally, recent] = await Promise.all([
    db.selectFrom('machine_tally').select(['dim', 'key', 'status', 'n']).where('n', '>', 0).execute(),
    db
      .selectFrom('machines')
      .select(sql<number>`count(*)`.as('n'))
      .where('up_at_ms', '>', nowMs - HOUR_MS)
      .where('up_at_ms', '<=', nowMs)
      .executeTakeFirstOrThrow(),
  ]);
  const statusRows = tally.filter((r) => r.dim === 'status');
  const siteRows = tally.filter((r) => r.dim === 'site' || r.dim === 'nosite').map((r) => ({ site: r.dim === 'site' ? r.key : null, status: r.status, n: r.n }));
  const technicians = new Map<string, { n: number; fixed: number }>();
  for (const row of tally) {
    if (row.dim !== 'technician') continue;
    const tech = technicians.get(row.key) ?? { n: 0, fixed: 0 };
    tech.n += Number(row.n);
    if (row.status === 'fixed') tech.fixed += Number(row.n);
    technicians.set(row.key, tech);
  }
  const techRows = [...technicians].map(([technician, t]) => ({ technician, ...t }));
  const byStatus = Object.fromEntries(BackendStatusSchema.options.map((s) => [s, 0])) as Record<BackendStatus, number>;
  let total = 0;
  for (const row of statusRows) {
    const n = Number(row.n);
    total += n;
    if (row.status in byStatus) byStatus[row.status as BackendStatus] += n;
  }
  const sites = new Map<string | null, Summary['bySite'][number]>();
  for (const row of siteRows) {
    const n = Number(row.n);
    const site = sites.get(row.site) ?? { site: row.site, total: 0, up: 0, byStatus: {} };
    site.total += n;
    if (UP_STATUSES.includes(row.status as BackendStatus)) site.up += n;
    site.byStatus[row.status] = (site.byStatus[row.status] ?? 0) + n;
    sites.set(row.site, site);
  }
  const remaining = total - UP_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  const fixedPerHour = Number(recent.n);
  const eta = remaining === 0 ? now.toISOString() : fixedPerHour > 0 ? new Date(nowMs + (remaining / fixedPerHour) * HOUR_MS).toISOString() : null;
  return {
    total,
    byStatus,
    bySite: [...sites.values()].sort((a, b) => (a.site ?? '').localeCompare(b.site ?? '')),
    byTechnician: techRows.map((r) => ({ technician: r.technician, machines: Number(r.n), fixed: Number(r.fixed) })).sort((a, b) => b.fixed - a.fixed || a.technician.localeCompare(b.technician)),
    fixedPerHour,
    remaining,
    eta,
    at: now.toISOString(),
  };
}
