import { sql, type Kysely } from 'kysely';
import type { Burndown } from '../../core/backend/dashboard.js';
import type { Database } from '../db/schema.js';

const HOUR_MS = 3_600_000;

/**
 * Machines still down per hour, for the overview's burn-down. Counted from today's fleet and
 * the hour each machine came up (`up_at_ms`), grouped in the database: one row per hour, never
 * per machine, so it stays quick on a large fleet. A machine that came up and went down again
 * counts as down for the whole series (its current state is what the helpdesk acts on).
 */
export async function burndown(db: Kysely<Database>, hours: number, now = new Date()): Promise<Burndown> {
  const nowMs = now.getTime();
  const firstHour = Math.floor(nowMs / HOUR_MS) - hours + 1;
  const [totalRow, upBefore, perHour] = await Promise.all([
    db.selectFrom('machines').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('machines').select(sql<number>`count(*)`.as('n')).where('up_at_ms', '<=', firstHour * HOUR_MS).executeTakeFirstOrThrow(),
    db
      .selectFrom('machines')
      // The hour as a literal integer: a bound number may arrive as a float (better-sqlite3), and
      // the division would then give one group per machine instead of one per hour.
      .select([sql<number>`up_at_ms / ${sql.lit(HOUR_MS)}`.as('hour'), sql<number>`count(*)`.as('n')])
      .where('up_at_ms', '>', firstHour * HOUR_MS)
      .where('up_at_ms', '<=', nowMs)
      .groupBy(sql`up_at_ms / ${sql.lit(HOUR_MS)}`)
      .execute(),
  ]);
  const total = Number(totalRow.n);
  const upInHour = new Map<number, number>();
  for (const row of perHour) {
    const hour = Math.floor(Number(row.hour));
    upInHour.set(hour, (upInHour.get(hour) ?? 0) + Number(row.n));
  }
  const points: Burndown['points'] = [];
  let up = Number(upBefore.n);
  for (let hour = firstHour; hour <= Math.floor(nowMs / HOUR_MS); hour++) {
    points.push({ at: new Date(hour * HOUR_MS).toISOString(), down: Math.max(0, total - up) });
    up += upInHour.get(hour) ?? 0;
  }
  points.push({ at: now.toISOString(), down: Math.max(0, total - up) });
  return { points, total, at: now.toISOString() };
}
