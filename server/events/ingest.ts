import { uuidv7 } from '../../core/uuid7.js';
import { sql, type Transaction } from 'kysely';
import { UP_STATUSES, type ApiEvent, type EventBatchResult, type MachineChange } from '../../core/backend/schemas.js';
import { inTransaction } from '../db/transaction.js';
import type { Database } from '../db/schema.js';
import type { Kysely } from 'kysely';
import { fileLabel } from './files.js';

/**
 * Several requests' batches in one transaction (write-queue.ts): the answers are exactly
 * what the batches would have got one after the other, in this order (an id two of them
 * send is accepted for the first and a duplicate for the second).
 */
export async function ingestGroup(db: Kysely<Database>, batches: readonly (readonly ApiEvent[])[], now = new Date()): Promise<{ results: EventBatchResult[]; changed: MachineChange['machines'] }> {
  const seen = new Set<string>();
  const unique: ApiEvent[] = [];
  for (const batch of batches) {
    for (const event of batch) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      unique.push(event);
    }
  }
  const receivedAt = now.toISOString();
  const { accepted, changed } = await inTransaction(db, async (trx) => {
    const machineIds = await upsertMachines(trx, unique, receivedAt);
    const accepted = new Map<string, number>();
    for (let start = 0; start < unique.length; start += 400) {
      const chunk = unique.slice(start, start + 400);
      const rows = await trx
        .insertInto('events')
        .values(
          chunk.map((e) => ({
            id: e.id,
            machine_id: machineIds.get(hostKey(e))!,
            status: e.status,
            method: e.method ?? null,
            at: e.at,
            at_ms: Date.parse(e.at),
            technician: e.technician ?? null,
            notes: e.notes ?? null,
            files: e.files && e.files.length > 0 ? JSON.stringify(e.files) : null,
            received_at: receivedAt,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'seq'])
        .execute();
      for (const row of rows) accepted.set(row.id, row.seq);
    }
    const changed = await applyToMachines(trx, unique, accepted, machineIds);
    return { accepted, changed };
  });
  const claimed = new Set<string>();
  const results = batches.map((batch) => {
    const result: EventBatchResult = { accepted: [], duplicates: [] };
    for (const event of batch) {
      if (accepted.has(event.id) && !claimed.has(event.id)) {
        claimed.add(event.id);
        result.accepted.push(event.id);
      } else result.duplicates.push(event.id);
    }
    return result;
  });
  return { results, changed };
}

export function hostKey(event: { machine: { hostname: string } }): string {
  return event.machine.hostname.toLowerCase();
}

/** Every machine the batch names exists afterwards; identity fields an event gives fill in or replace what was known. */
async function upsertMachines(trx: Transaction<Database>, events: readonly ApiEvent[], createdAt: string): Promise<Map<string, string>> {
  // Fields given by any event of the batch count; where two give one, the later `at` wins.
  const latest = new Map<string, ApiEvent['machine']>();
  const byTime = events.map((event) => ({ event, ms: Date.parse(event.at) })).sort((a, b) => a.ms - b.ms);
  for (const { event } of byTime) {
    const key = hostKey(event);
    latest.set(key, { ...latest.get(key), ...event.machine });
  }
  const ids = new Map<string, string>();
  // Machines already known with the same identity are only read: rewriting them would rewrite their index entries too.
  const changes = new Set<string>();
  const known = [...latest.keys()];
  for (let start = 0; start < known.length; start += 500) {
    const rows = await trx.selectFrom('machines').select(['id', 'host_key', 'serial', 'asset_tag', 'site']).where('host_key', 'in', known.slice(start, start + 500)).execute();
    for (const row of rows) {
      const given = latest.get(row.host_key)!;
      if ((given.serial !== undefined && given.serial !== row.serial) || (given.assetTag !== undefined && given.assetTag !== row.asset_tag) || (given.site !== undefined && given.site !== row.site)) changes.add(row.host_key);
      else ids.set(row.host_key, row.id);
    }
  }
  for (const key of known) if (!ids.has(key)) changes.add(key);
  // The same order in every transaction, so two batches naming the same machines cannot deadlock.
  const keys = [...changes].sort();
  for (let start = 0; start < keys.length; start += 500) {
    const rows = await trx
      .insertInto('machines')
      .values(
        keys.slice(start, start + 500).map((key) => {
          const machine = latest.get(key)!;
          return { id: uuidv7(), host_key: key, hostname: machine.hostname, serial: machine.serial ?? null, asset_tag: machine.assetTag ?? null, site: machine.site ?? null, owner: null, status: 'pending', created_at: createdAt };
        }),
      )
      .onConflict((oc) =>
        oc.column('host_key').doUpdateSet({
          serial: sql`coalesce(excluded.serial, machines.serial)`,
          asset_tag: sql`coalesce(excluded.asset_tag, machines.asset_tag)`,
          site: sql`coalesce(excluded.site, machines.site)`,
        }),
      )
      .returning(['id', 'host_key'])
      .execute();
    for (const row of rows) ids.set(row.host_key, row.id);
  }
  return ids;
}

/** Moves each machine's first event back and its status forward, as the newly stored events say. */
async function applyToMachines(trx: Transaction<Database>, events: readonly ApiEvent[], accepted: ReadonlyMap<string, number>, machineIds: ReadonlyMap<string, string>): Promise<MachineChange['machines']> {
  interface Effect {
    first: ApiEvent;
    firstMs: number;
    last: ApiEvent;
    lastMs: number;
    lastSeq: number;
  }
  const effects = new Map<string, Effect>();
  for (const event of events) {
    const seq = accepted.get(event.id);
    if (seq === undefined) continue;
    const id = machineIds.get(hostKey(event))!;
    const ms = Date.parse(event.at);
    const effect = effects.get(id);
    if (!effect) {
      effects.set(id, { first: event, firstMs: ms, last: event, lastMs: ms, lastSeq: seq });
      continue;
    }
    if (ms < effect.firstMs) Object.assign(effect, { first: event, firstMs: ms });
    if (ms > effect.lastMs || (ms === effect.lastMs && seq > effect.lastSeq)) Object.assign(effect, { last: event, lastMs: ms, lastSeq: seq });
  }
  const ids = [...effects.keys()].sort();
  const changed: MachineChange['machines'] = [];
  // One statement per 500 machines rather than one per machine: a group names thousands.
  for (let start = 0; start < ids.length; start += 500) {
    const values = ids.slice(start, start + 500).map((id) => {
      const { first, firstMs, last, lastMs, lastSeq } = effects.get(id)!;
      const files = last.files && last.files.length > 0 ? JSON.stringify(last.files.map(fileLabel)) : null;
      const up = UP_STATUSES.includes(last.status) ? lastMs : null;
      return sql`(cast(${id} as text), cast(${firstMs} as bigint), cast(${first.at} as text), cast(${last.status} as text), cast(${last.method ?? null} as text), cast(${last.technician ?? null} as text), cast(${last.notes ?? null} as text), cast(${files} as text), cast(${last.at} as text), cast(${up} as bigint), cast(${lastSeq} as bigint), cast(${lastMs} as bigint))`;
    });
    const newer = sql`(machines.last_at_ms is null or machines.last_at_ms < v.last_ms or (machines.last_at_ms = v.last_ms and machines.last_seq < v.last_seq))`;
    const earlier = sql`(machines.first_at_ms is null or machines.first_at_ms > v.first_ms)`;
    // Every condition reads the row as it was before this statement (SQL's SET semantics).
    const result = await sql<{ id: string; hostname: string; site: string | null; status: string }>`
      with v(id, first_ms, first_at, status, method, technician, notes, files, last_at, up_ms, last_seq, last_ms) as (values ${sql.join(values)})
      update machines set
        first_at_ms = case when ${earlier} then v.first_ms else machines.first_at_ms end,
        first_event_at = case when ${earlier} then v.first_at else machines.first_event_at end,
        status = case when ${newer} then v.status else machines.status end,
        method = case when ${newer} then coalesce(v.method, machines.method) else machines.method end,
        technician = case when ${newer} then coalesce(v.technician, machines.technician) else machines.technician end,
        notes = case when ${newer} then v.notes else machines.notes end,
        files = case when ${newer} then v.files else machines.files end,
        last_event_at = case when ${newer} then v.last_at else machines.last_event_at end,
        up_at_ms = case when ${newer} then v.up_ms else machines.up_at_ms end,
        last_seq = case when ${newer} then v.last_seq else machines.last_seq end,
        last_at_ms = case when ${newer} then v.last_ms else machines.last_at_ms end
      from v where machines.id = v.id
      returning machines.id, machines.hostname, machines.site, machines.status`.execute(trx);
    for (const row of result.rows) changed.push({ id: row.id, hostname: row.hostname, site: row.site, status: row.status as MachineChange['machines'][number]['status'] });
  }
  return changed;
}
