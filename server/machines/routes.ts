import { z } from 'zod';
import { helpdeskContract } from '../../core/backend/helpdesk-contract.js';
import { RemovedFileSchema, type EventStatus, type Method } from '../../core/backend/schemas.js';
import { BootmendError } from '../../core/errors.js';
import type { ServerContext } from '../context.js';
import { defineRoute, type Route } from '../http/route.js';
import { decodeCursor, encodeCursor, selectMachines, toSummary } from './query.js';

const Files = z.array(RemovedFileSchema);

export function machineRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/machines',
      summary: 'Machines in hostname order, filtered by status (one or several, comma-separated), site, technician or a search of hostname, serial and asset tag; `nextCursor` fetches the next page.',
      roles: ['technician', 'helpdesk', 'admin'],
      query: helpdeskContract.listMachines.input,
      response: helpdeskContract.listMachines.output,
      handler: async ({ query }) => {
        const { cursor, limit, ...filter } = query;
        const rows = await selectMachines(ctx.db, filter, decodeCursor(cursor), limit + 1).execute();
        const page = rows.slice(0, limit);
        return { machines: page.map(toSummary), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.host_key) : null };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/machines/:id',
      summary: "One machine with its timeline: every event, oldest first (by `at`, ties by arrival).",
      roles: ['technician', 'helpdesk', 'admin'],
      params: helpdeskContract.getMachine.input,
      response: helpdeskContract.getMachine.output,
      handler: async ({ params }) => {
        const row = await ctx.db.selectFrom('machines').selectAll().where('id', '=', params.id).executeTakeFirst();
        if (!row) throw new BootmendError('NOT_FOUND', 'No machine has this id; list machines to find it.', { field: 'id' });
        const events = await ctx.db.selectFrom('events').selectAll().where('machine_id', '=', row.id).orderBy('at_ms').orderBy('seq').execute();
        return {
          machine: toSummary(row),
          timeline: events.map((e) => ({
            id: e.id,
            status: e.status as EventStatus,
            method: e.method as Method | null,
            at: e.at,
            technician: e.technician,
            notes: e.notes,
            files: e.files ? Files.parse(JSON.parse(e.files)) : [],
            receivedAt: e.received_at,
          })),
        };
      },
    }),
  ];
}
