import { Readable } from 'node:stream';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { defineRoute, SENT, type Route } from '../http/route.js';
import { applyFilter, MachineFilterSchema, toSummary } from '../machines/query.js';
import type { MachinesTable } from '../db/schema.js';
import { CONTENT_TYPES, formatRows } from './format.js';

/** Rows read per query: memory stays at one page (a few MiB) whatever the fleet's size. */
const PAGE = 5000;

const Flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const ExportQuerySchema = MachineFilterSchema.extend({
  format: z.enum(['csv', 'json', 'ndjson']).default('csv'),
  events: Flag.default(false),
}).strict();

export const MACHINE_COLUMNS = ['id', 'hostname', 'serial', 'assetTag', 'site', 'owner', 'status', 'method', 'technician', 'firstEventAt', 'lastEventAt', 'minutesToFix', 'filesRemoved'] as const;
export const EVENT_COLUMNS = ['id', 'machineId', 'hostname', 'site', 'status', 'method', 'at', 'technician', 'notes', 'files', 'receivedAt'] as const;

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
        const text = events ? formatRows(format, EVENT_COLUMNS, eventPages(ctx, filter)) : formatRows(format, MACHINE_COLUMNS, machinePages(ctx, filter));
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
    yield rows.map(toSummary);
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.host_key;
  }
}

async function* eventPages(ctx: ServerContext, filter: z.infer<typeof MachineFilterSchema>) {
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
    yield rows.map((r) => ({
      id: r.id,
      machineId: r.machine_id,
      hostname: r.hostname,
      site: r.site,
      status: r.status,
      method: r.method,
      at: r.at,
      technician: r.technician,
      notes: r.notes,
      files: r.files ? (JSON.parse(r.files) as unknown[]).map((f) => (typeof f === 'string' ? f : (f as { path: string }).path)) : [],
      receivedAt: r.received_at,
    }));
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.seq;
  }
}

