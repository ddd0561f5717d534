import { uuidv7 } from '../../core/uuid7.js';
import { sql } from 'kysely';
import { z } from 'zod';
import { FleetImportResultSchema, FleetMachineSchema, type FleetImportResult } from '../../core/backend/schemas.js';
import { BootmendError } from '../../core/errors.js';
import type { ServerContext } from '../context.js';
import { inTransaction } from '../db/transaction.js';
import { defineRoute, type Route } from '../http/route.js';
import { parseFleetCsv, parseFleetJson, type ParsedFleet } from './parse.js';

const CHUNK = 500;

export function fleetRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/fleet/import',
      summary: 'Adds or updates the affected machines from a CSV (text/csv) or JSON list (hostname required; serial, asset tag, site, owner); a machine with no events yet shows as pending. Rows that cannot be read are listed with why, the rest are stored.',
      roles: ['helpdesk', 'admin'],
      bodyDoc: z.union([z.string(), z.array(FleetMachineSchema.loose()), z.object({ machines: z.array(FleetMachineSchema.loose()) }).loose()]),
      consumes: ['text/csv', 'application/json'],
      bodyLimit: 128 * 1024 * 1024,
      response: FleetImportResultSchema,
      handler: async ({ request }) => {
        const raw = request.body;
        const parsed = typeof raw === 'string' ? parseFleetCsv(raw) : parseFleetJson(raw);
        if (parsed.machines.length === 0 && parsed.rejected.length === 0) throw new BootmendError('INVALID_INPUT', 'The fleet list names no machines.');
        return upsertFleet(ctx, parsed);
      },
    }),
  ];
}

async function upsertFleet(ctx: ServerContext, parsed: ParsedFleet): Promise<FleetImportResult> {
  // The last row wins when a hostname is listed twice.
  const byKey = new Map<string, ParsedFleet['machines'][number]['machine']>();
  for (const { machine } of parsed.machines) byKey.set(machine.hostname.toLowerCase(), machine);
  const keys = [...byKey.keys()].sort();
  let created = 0;
  const now = new Date().toISOString();
  for (let start = 0; start < keys.length; start += CHUNK) {
    const chunk = keys.slice(start, start + CHUNK);
    await inTransaction(ctx.db, async (trx) => {
      const existing = await trx.selectFrom('machines').select('host_key').where('host_key', 'in', chunk).execute();
      created += chunk.length - existing.length;
      await trx
        .insertInto('machines')
        .values(
          chunk.map((key) => {
            const m = byKey.get(key)!;
            return { id: uuidv7(), host_key: key, hostname: m.hostname, serial: m.serial ?? null, asset_tag: m.assetTag ?? null, site: m.site ?? null, owner: m.owner ?? null, status: 'pending', created_at: now };
          }),
        )
        .onConflict((oc) =>
          oc.column('host_key').doUpdateSet({
            serial: sql`coalesce(excluded.serial, machines.serial)`,
            asset_tag: sql`coalesce(excluded.asset_tag, machines.asset_tag)`,
            site: sql`coalesce(excluded.site, machines.site)`,
            owner: sql`coalesce(excluded.owner, machines.owner)`,
          }),
        )
        .execute();
    });
  }
  return { created, updated: keys.length - created, rejected: parsed.rejected.slice(0, 1000) };
}
