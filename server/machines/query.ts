import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { type BackendStatus, type MachineSummary, type Method } from '../../core/backend/schemas.js';
import { BootmendError } from '../../core/errors.js';
import type { MachineFilter } from '../../core/backend/queries.js';
import type { Database, MachinesTable } from '../db/schema.js';

export { MachineFilterSchema, MachineListQuerySchema, type MachineFilter } from '../../core/backend/queries.js';

type MachineQuery = SelectQueryBuilder<Database, 'machines', MachinesTable>;

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function applyFilter(query: MachineQuery, filter: MachineFilter): MachineQuery {
  let q = query;
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.site) q = q.where(sql<string>`lower(site)`, '=', filter.site.toLowerCase());
  if (filter.technician) q = q.where(sql<string>`lower(technician)`, '=', filter.technician.toLowerCase());
  if (filter.q) {
    const pattern = likePattern(filter.q);
    q = q.where((eb) =>
      eb.or([
        eb(sql`host_key`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(serial)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(asset_tag)`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  return q;
}

/** Machines in hostname order after `after` (a host key), at most `limit`. */
export function selectMachines(db: Kysely<Database>, filter: MachineFilter, after: string | null, limit: number): MachineQuery {
  let q = applyFilter(db.selectFrom('machines').selectAll() as MachineQuery, filter);
  if (after !== null) q = q.where('host_key', '>', after);
  return q.orderBy('host_key').limit(limit);
}

/** Cursors are opaque to clients: the last host key of the page, base64url. */
export function encodeCursor(hostKey: string): string {
  return Buffer.from(JSON.stringify({ after: hostKey }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && typeof (value as { after?: unknown }).after === 'string') return (value as { after: string }).after;
  } catch {
    // Not ours; answered below.
  }
  throw new BootmendError('INVALID_INPUT', '"cursor" is not a cursor this server gave out; start again without it.', { field: 'cursor' });
}

export function parseFiles(text: string | null): string[] {
  if (!text) return [];
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** From the machine's first event to its coming up (fixed), to a tenth of a minute; null while it is not fixed. */
export function minutesToFix(row: Pick<MachinesTable, 'status' | 'up_at_ms' | 'first_at_ms'>): number | null {
  return row.status === 'fixed' && row.up_at_ms !== null && row.first_at_ms !== null ? Math.round(((row.up_at_ms - row.first_at_ms) / 60_000) * 10) / 10 : null;
}

export function toSummary(row: MachinesTable): MachineSummary {
  const status = row.status as BackendStatus;
  return {
    id: row.id,
    hostname: row.hostname,
    serial: row.serial,
    assetTag: row.asset_tag,
    site: row.site,
    owner: row.owner,
    status,
    method: row.method as Method | null,
    technician: row.technician,
    firstEventAt: row.first_event_at,
    lastEventAt: row.last_event_at,
    minutesToFix: minutesToFix(row),
    filesRemoved: parseFiles(row.files),
    notes: row.notes,
  };
}
