import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { UP_STATUSES, type ApiEvent, type EventBatchResult, type MachineChange } from '../../core/backend/schemas.js';
import { inTransaction } from '../db/transaction.js';
import type { Database } from '../db/schema.js';
import type { Kysely } from 'kysely';
import { fileLabel } from './files.js';

/**
 * Stores a batch of events, each id once: a retried batch (the client never heard the
 * answer) adds nothing, and the answer still lists every id as stored. A machine's status is
 * the status of its event with the latest `at`, ties broken by arrival; an event that arrives
 * late but happened earlier never overrides a newer one.
 */
export async function ingestEvents(db: Kysely<Database>, events: readonly ApiEvent[], now = new Date()): Promise<{ result: EventBatchResult; changed: MachineChange['machines'] }> {
  const seen = new Set<string>();
  const unique: ApiEvent[] = [];
  const duplicates: string[] = [];
  for (const event of events) {
    if (seen.has(event.id)) duplicates.push(event.id);
    else {
      seen.add(event.id);
      unique.push(event);
    }
  }
  const receivedAt = now.toISOString();
  return inTransaction(db, async (trx) => {
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
    const result: EventBatchResult = { accepted: [], duplicates };
    for (const event of unique) (accepted.has(event.id) ? result.accepted : result.duplicates).push(event.id);
    return { result, changed };
  });
}

export function hostKey(event: { machine: { hostname: string } }): string {
  return event.machine.hostname.toLowerCase();
}

/** Every machine the batch names exists afterwards; identity fields an event gives fill in or replace what was known. */
async function upsertMachines(trx: Transaction<Database>, events: readonly ApiEvent[], createdAt: string): Promise<Map<string, string>> {
  // Fields given by any event of the batch count; where two give one, the later `at` wins.
  const latest = new Map<string, ApiEvent['machine']>();
  for (const event of [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const key = hostKey(event);
    latest.set(key, { ...latest.get(key), ...event.machine });
  }
  // The same order in every transaction, so two batches naming the same machines cannot deadlock.
  const keys = [...latest.keys()].sort();
  const ids = new Map<string, string>();
  for (let start = 0; start < keys.length; start += 500) {
    const rows = await trx
      .insertInto('machines')
      .values(
        keys.slice(start, start + 500).map((key) => {
          const machine = latest.get(key)!;
          return { id: randomUUID(), host_key: key, hostname: machine.hostname, serial: machine.serial ?? null, asset_tag: machine.assetTag ?? null, site: machine.site ?? null, owner: null, status: 'pending', created_at: createdAt };
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
  const changed: MachineChange['machines'] = [];
  for (const id of [...effects.keys()].sort()) {
    const { first, firstMs, last, lastMs, lastSeq } = effects.get(id)!;
    const newer = sql<boolean>`(last_at_ms is null or last_at_ms < ${lastMs} or (last_at_ms = ${lastMs} and last_seq < ${lastSeq}))`;
    const earlier = sql<boolean>`(first_at_ms is null or first_at_ms > ${firstMs})`;
    const pick = <T>(value: T, column: string) => sql<T>`case when ${newer} then ${value} else ${sql.ref(column)} end`;
    const files = last.files && last.files.length > 0 ? JSON.stringify(last.files.map(fileLabel)) : null;
    const row = await trx
      .updateTable('machines')
      .set({
        first_at_ms: sql`case when ${earlier} then ${firstMs} else first_at_ms end`,
        first_event_at: sql`case when ${earlier} then ${first.at} else first_event_at end`,
        status: pick(last.status, 'status'),
        method: sql<string | null>`case when ${newer} then coalesce(${last.method ?? null}, method) else method end`,
        technician: sql<string | null>`case when ${newer} then coalesce(${last.technician ?? null}, technician) else technician end`,
        notes: pick(last.notes ?? null, 'notes'),
        files: pick(files, 'files'),
        last_event_at: pick(last.at, 'last_event_at'),
        up_at_ms: pick(UP_STATUSES.includes(last.status) ? lastMs : null, 'up_at_ms'),
        last_seq: pick(lastSeq, 'last_seq'),
        // Every condition above reads the row as it was before this statement (SQL's SET semantics).
        last_at_ms: pick(lastMs, 'last_at_ms'),
      })
      .where('id', '=', id)
      .returning(['id', 'hostname', 'site', 'status'])
      .executeTakeFirst();
    if (row) changed.push({ id: row.id, hostname: row.hostname, site: row.site, status: row.status as MachineChange['machines'][number]['status'] });
  }
  return changed;
}
