import { Readable } from 'node:stream';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { defineRoute, SENT, type Route } from '../http/route.js';
import { applyFilter, MachineFilterSchema, minutesToFix, parseFiles, toSummary } from '../machines/query.js';
import type { MachinesTable } from '../db/schema.js';
import { CONTENT_TYPES, formatRows, type RowExport } from './format.js';

/**
 * Rows read per query: memory stays at one page whatever the fleet's size. A page's rows and text
 * must die young: at 5,000 rows they outlived the young generation and the export spent ~40 % of
 * its time collecting garbage (1,000 rows: twice the rows/s, measured in bench/server.ts).
 */
const PAGE = 1000;

const Flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const ExportQuerySchema = MachineFilterSchema.extend({
  format: z.enum(['csv', 'json', 'ndjson']).default('csv'),
  events: Flag.default(false),
}).strict();

/** A file list as one cell: the paths, "; " between them. */
function filesCell(files: readonly string[]): string | null {
  return files.length > 0 ? files.join('; ') : null;
}

export const MACHINE_EXPORT: RowExport<MachinesTable> = {
  header: ['id', 'hostname', 'serial', 'assetTag', 'site', 'owner', 'status', 'method', 'technician', 'firstEventAt', 'lastEventAt', 'minutesToFix', 'filesRemoved'],
  cells: (r) => [r.id, r.hostname, r.serial, r.asset_tag, r.site, r.owner, r.status, r.method, r.technician, r.first_event_at, r.last_event_at, minutesToFix(r), r.files === null ? null : filesCell(parseFiles(r.files))],
  object: toSummary,
};

interface EventRow {
  seq: number;
  id: string;
  machine_id: string;
  hostname: string;
  site: string | null;
  status: string;
  method: string | null;
  at: string;
  technician: string | null;
  notes: string | null;
  files: string | null;
  received_at: string;
}

function eventFiles(files: string | null): string[] {
  return files ? (JSON.parse(files) as unknown[]).map((f) => (typeof f === 'string' ? f : (f as { path: string }).path)) : [];
}

export const EVENT_EXPORT: RowExport<EventRow> = {
  header: ['id', 'machineId', 'hostname', 'site', 'status', 'method', 'at', 'technician', 'notes', 'files', 'receivedAt'],
  cells: (r) => [r.id, r.machine_id, r.hostname, r.site, r.status, r.method, r.at, r.technician, r.notes, filesCell(eventFiles(r.files)), r.received_at],
  object: (r) => ({ id: r.id, machineId: r.machine_id, hostname: r.hostname, site: r.site, status: r.status, method: r.method, at: r.at, technician: r.technician, notes: r.notes, files: eventFiles(r.files), receivedAt: r.received_at }),
};

export function exportRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/export',
      summary: 'One row per machine (identity, site, status, method, technician, first and last event, minutes to fix, files removed), or with `events=1` the event log; CSV, JSON or NDJSON, streamed; the machine list\'s filters apply.',
      roles: ['helpdesk', 'admin'],
      query: ExportQuerySchema,
      produces: [CONTENT_TYPES.csv, CONTENT_TYPES.json, CONTENT_TYPES.ndjson],
      handler: async ({ query, reply }) => {
        const { format, events, ...filter } = query;
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const name = `bootmend-${events ? 'events' : 'machines'}-${stamp}.${format}`;
        const text = events ? formatRows(format, EVENT_EXPORT, eventPages(ctx, filter)) : formatRows(format, MACHINE_EXPORT, machinePages(ctx, filter));
        const stream = Readable.from(text, { objectMode: false, highWaterMark: 64 * 1024 });
        stream.on('error', (error) => console.error(`bootmend-server: export stopped: ${error.message}`));
        await reply.header('content-type', CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(stream);
        return SENT;
      },
    }),
  ];
}

async function* machinePages(ctx: ServerContext, filter: z.infer<typeof MachineFilterSchema>) {
  let after: string | null = null;
  for (;;) {
    let q = applyFilter(ctx.db.selectFrom('machines').selectAll(), filter);
    if (after !== null) q = q.where('host_key', '>', after);
    const rows: MachinesTable[] = await q.orderBy('host_key').limit(PAGE).execute();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.host_key;
  }
}

async function* eventPages(ctx: ServerContext, filter: z.infer<typeof MachineFilterSchema>): AsyncGenerator<EventRow[]> {
  const filtered = Object.values(filter).some((v) => v !== undefined);
  let after = 0;
  for (;;) {
    let q = ctx.db
      .selectFrom('events')
      .innerJoin('machines', 'machines.id', 'events.machine_id')
      .select(['events.seq', 'events.id', 'events.machine_id', 'machines.hostname', 'machines.site', 'events.status', 'events.method', 'events.at', 'events.technician', 'events.notes', 'events.files', 'events.received_at'])
      .where('events.seq', '>', after);
    if (filtered) q = q.where('events.machine_id', 'in', applyFilter(ctx.db.selectFrom('machines').selectAll(), filter).clearSelect().select('machines.id'));
    const rows = await q.orderBy('events.seq').limit(PAGE).execute();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.seq;
  }
}

