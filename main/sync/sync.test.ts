import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toBackendEvent } from '../../core/backend/events.js';
import type { RecoveryEvent } from '../../core/journal/schemas.js';
import { SyncLoop } from './sync-loop.js';
import { syncOnce, type Outbox } from './sync.js';

// The client's side of the sync: how it reacts to each kind of answer. The answers come from a
// scripted HTTP server on 127.0.0.1 (a lost answer, a 5xx, a refused token and one malformed
// event cannot be provoked on demand from the real backend); server/ has the tests against the
// real one.

function memoryOutbox(events: RecoveryEvent[]): Outbox & { acked: Set<string>; rejected: Map<string, string> } {
  const acked = new Set<string>();
  const rejected = new Map<string, string>();
  return {
    acked,
    rejected,
    async unacknowledged(limit) {
      return events.filter((event) => !acked.has(event.id) && !rejected.has(event.id)).slice(0, limit);
    },
    async acknowledge(ids) {
      for (const id of ids) acked.add(id);
    },
    async reject(id, reason) {
      rejected.set(id, reason);
    },
  };
}

let seq = 0;
function event(type: 'machine.added' | 'machine.path_chosen' | 'machine.outcome', hostname = 'PC-0001'): RecoveryEvent {
  seq += 1;
  const base = { id: randomUUID(), seq, at: new Date(Date.UTC(2024, 6, 19, 8, 0, seq)).toISOString(), technician: 'Ana', machineId: '7a0c4a4e-8a52-4c1e-9a55-2f3f3c3b0001', machine: { hostname } };
  if (type === 'machine.added') return { ...base, type, source: 'scanned' };
  if (type === 'machine.path_chosen') return { ...base, type, path: 'winpe' };
  return { ...base, type, outcome: 'fixed', path: 'winpe', filesRemoved: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-0.sys'] };
}

type Handler = (body: { events: { id: string }[] }, request: IncomingMessage, response: ServerResponse) => void;
const servers: Server[] = [];

async function scriptedBackend(handler: Handler): Promise<{ url: string; received: { id: string }[][] }> {
  const received: { id: string }[][] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(text) as { events: { id: string }[] };
      received.push(body.events);
      handler(body, request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('toBackendEvent', () => {
  it('sends what changes a machine on the dashboard and keeps the journal id', () => {
    const outcome = event('machine.outcome');
    expect(toBackendEvent(outcome)).toEqual({ id: outcome.id, machine: { hostname: 'PC-0001' }, at: outcome.at, technician: 'Ana', status: 'fixed', method: 'winpe', files: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-0.sys'] });
    expect(toBackendEvent(event('machine.path_chosen'))).toMatchObject({ status: 'in_progress', method: 'winpe' });
    expect(toBackendEvent(event('machine.added'))).toBeNull();
  });

  it('keeps every key reveal on this laptop: a reveal after the outcome must not reopen a fixed machine on the dashboard', () => {
    const machine = { hostname: 'PC-0001', serial: 'SN-1', assetTag: 'AT-1', site: 'Berlin' };
    const reveal = { id: randomUUID(), seq: 7, type: 'key.revealed', at: new Date().toISOString(), keyId: 'AB12CD34-0000-4000-8000-000000000001', machine: 'PC-0001', technician: 'Ana', reason: 'blue screen', source: 'escrow', machineId: randomUUID(), machineIdentity: machine } as unknown as RecoveryEvent;
    expect(toBackendEvent(reveal)).toBeNull();
  });
});

describe('syncOnce (scripted backend answers)', () => {
  it('posts the outbox with the token and acknowledges exactly what the answer names', async () => {
    const events = [event('machine.added'), event('machine.path_chosen'), event('machine.outcome')];
    const seen: string[] = [];
    const backend = await scriptedBackend((body, request, response) => {
      seen.push(request.headers.authorization ?? '');
      answer(response, 200, { accepted: body.events.map((e) => e.id), duplicates: [] });
    });
    const outbox = memoryOutbox(events);
    const report = await syncOnce(outbox, { url: backend.url, token: 'tok-123' });
    expect(report).toEqual({ sent: 2, acknowledged: 3, rejected: 0, failure: null });
    expect(seen).toEqual(['Bearer tok-123']);
    expect(backend.received.flat().map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
    expect([...outbox.acked].sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('keeps the key-reveal audit on this laptop: acknowledged without being sent, so it never blocks the outbox', async () => {
    const audit = { id: randomUUID(), seq: 99, type: 'key.revealed', at: new Date().toISOString(), keyId: 'AB12CD34-0000-4000-8000-000000000001', machine: 'PC-0001', technician: 'Ana', reason: 'blue screen' } as unknown as RecoveryEvent;
    const events = [audit, event('machine.outcome')];
    const backend = await scriptedBackend((body, _request, response) => answer(response, 200, { accepted: body.events.map((e) => e.id), duplicates: [] }));
    const outbox = memoryOutbox(events);
    expect(await syncOnce(outbox, { url: backend.url, token: 'tok' })).toEqual({ sent: 1, acknowledged: 2, rejected: 0, failure: null });
    expect(backend.received.flat().map((e) => e.id)).toEqual([events[1]!.id]);
  });

  it('keeps events whose answer was lost and sends them again; the server counts them as duplicates', async () => {
    const events = [event('machine.path_chosen'), event('machine.outcome')];
    const stored = new Set<string>();
    let drop = true;
    const backend = await scriptedBackend((body, _request, response) => {
      const accepted = body.events.filter((e) => !stored.has(e.id)).map((e) => e.id);
      for (const id of accepted) stored.add(id);
      if (drop) {
        drop = false;
        response.socket?.destroy();
        return;
      }
      answer(response, 200, { accepted, duplicates: body.events.map((e) => e.id).filter((id) => !accepted.includes(id)) });
    });
    const outbox = memoryOutbox(events);
    const first = await syncOnce(outbox, { url: backend.url, token: 't' });
    expect(first.failure).toMatchObject({ kind: 'unreachable' });
    expect(outbox.acked.size).toBe(0);
    const second = await syncOnce(outbox, { url: backend.url, token: 't' });
    expect(second).toMatchObject({ acknowledged: 2, failure: null });
    expect(stored.size).toBe(2);
  });

  it('stops at a refused token without acknowledging anything, and says to check Settings', async () => {
    const backend = await scriptedBackend((_body, _request, response) => answer(response, 401, { error: { message: 'bad token' } }));
    const outbox = memoryOutbox([event('machine.outcome')]);
    const report = await syncOnce(outbox, { url: backend.url, token: 'revoked' });
    expect(report.failure).toEqual({ kind: 'refused', detail: "The backend refused this laptop's token (401); check the token in Settings." });
    expect(outbox.acked.size).toBe(0);
  });

  it('finds the one event a server refuses, puts it aside with the reason, and delivers the rest', async () => {
    const events = Array.from({ length: 7 }, () => event('machine.outcome'));
    const bad = events[4]!.id;
    const backend = await scriptedBackend((body, _request, response) => {
      if (body.events.some((e) => e.id === bad)) answer(response, 400, { error: { message: `events[0].machine.hostname is too long` } });
      else answer(response, 200, { accepted: body.events.map((e) => e.id), duplicates: [] });
    });
    const outbox = memoryOutbox(events);
    const report = await syncOnce(outbox, { url: backend.url, token: 't' });
    expect(report).toMatchObject({ acknowledged: 6, rejected: 1, failure: null });
    expect(outbox.rejected.get(bad)).toBe('events[0].machine.hostname is too long');
  });

  it('says the backend cannot be reached when nothing listens, losing nothing', async () => {
    const outbox = memoryOutbox([event('machine.outcome')]);
    const report = await syncOnce(outbox, { url: 'http://127.0.0.1:9', token: 't' }, { timeoutMs: 2000 });
    expect(report.failure).toEqual({ kind: 'unreachable', detail: 'The backend cannot be reached.' });
    expect(await outbox.unacknowledged(10)).toHaveLength(1);
  });
});

describe('SyncLoop', () => {
  it('retries after a 5xx with a growing wait and reports the last sync', async () => {
    let calls = 0;
    const backend = await scriptedBackend((body, _request, response) => {
      calls += 1;
      if (calls < 3) answer(response, 503, {});
      else answer(response, 200, { accepted: body.events.map((e) => e.id), duplicates: [] });
    });
    const outbox = memoryOutbox([event('machine.outcome')]);
    const loop = new SyncLoop({ outbox, target: async () => ({ url: backend.url, token: 't' }), firstDelayMs: 20, random: () => 0.5 });
    await loop.kick();
    expect(loop.status()).toMatchObject({ failure: { kind: 'unreachable', detail: 'The backend answered 503.' }, lastSyncAt: null });
    await expect.poll(() => outbox.acked.size, { timeout: 5000 }).toBe(1);
    expect(calls).toBe(3);
    expect(loop.status()).toMatchObject({ failure: null, nextAttemptAt: null, lastSyncAt: expect.any(String) });
    await loop.stop();
  });

  it('offline for hours, it keeps trying at most every 5 minutes and never gives up; everything waits in the outbox', async () => {
    const outbox = memoryOutbox([event('machine.outcome')]);
    const loop = new SyncLoop({ outbox, target: async () => ({ url: 'http://127.0.0.1:9', token: 't' }), firstDelayMs: 2000, random: () => 1, timeoutMs: 2000 });
    const waits: number[] = [];
    // 30 failed tries in a row: with a doubling wait, more than a day offline.
    for (let i = 0; i < 30; i++) {
      await loop.kick();
      const status = loop.status();
      expect(status.failure?.kind).toBe('unreachable');
      waits.push(Date.parse(status.nextAttemptAt!) - Date.now());
    }
    expect(waits[0]).toBeGreaterThan(2000);
    expect(waits[1]! - waits[0]!).toBeGreaterThan(2000);
    // The wait stops growing at 5 minutes (with the jitter's top quarter), and a next try is always due.
    expect(Math.max(...waits)).toBeLessThanOrEqual(5 * 60_000 * 1.25);
    expect(waits.at(-1)!).toBeGreaterThan(5 * 60_000);
    expect(await outbox.unacknowledged(10)).toHaveLength(1);
    await loop.stop();
  });

  it('does nothing while no backend is configured', async () => {
    const outbox = memoryOutbox([event('machine.outcome')]);
    const loop = new SyncLoop({ outbox, target: async () => null });
    await loop.kick();
    expect(loop.status()).toEqual({ lastSyncAt: null, failure: null, nextAttemptAt: null, running: false });
    expect(outbox.acked.size).toBe(0);
    await loop.stop();
  });
});
