import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ApiEvent } from '../../core/backend/schemas.js';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

function event(hostname: string, status: ApiEvent['status'], at: string, extra: Partial<ApiEvent> = {}): ApiEvent {
  return { id: randomUUID(), machine: { hostname }, status, at, ...extra };
}

async function post(s: TestServer, events: ApiEvent[]) {
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: s.as('technician'), payload: { events } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accepted: string[]; duplicates: string[] }>();
}

async function machine(s: TestServer, hostname: string) {
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/machines?q=${encodeURIComponent(hostname)}`, headers: s.as('helpdesk') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ machines: { id: string; hostname: string; status: string; technician: string | null; method: string | null; minutesToFix: number | null; filesRemoved: string[]; site: string | null }[] }>().machines.find((m) => m.hostname.toLowerCase() === hostname.toLowerCase());
}

eachDatabase('POST /api/v1/events', (db) => {
  it('stores a batch and answers which ids it accepted; the same batch again is all duplicates and changes nothing', async () => {
    const s = await db.server();
    const batch = [event('PC-001', 'in_progress', '2024-07-19T08:00:00Z', { method: 'winpe', technician: 'Ann' }), event('PC-002', 'fixed', '2024-07-19T08:05:00+02:00', { method: 'winre', technician: 'Bo' })];
    expect(await post(s, batch)).toEqual({ accepted: batch.map((e) => e.id), duplicates: [] });
    expect(await post(s, batch)).toEqual({ accepted: [], duplicates: batch.map((e) => e.id) });
    const rows = await s.store.db.selectFrom('events').select(s.store.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(2);
    expect(await machine(s, 'PC-001')).toMatchObject({ status: 'in_progress', method: 'winpe', technician: 'Ann' });
    expect(await machine(s, 'pc-002')).toMatchObject({ status: 'fixed', method: 'winre', technician: 'Bo' });
  });

  it('counts an id sent twice in one batch once, as accepted then duplicate', async () => {
    const s = await db.server();
    const e = event('PC-003', 'fixed', '2024-07-19T09:00:00Z');
    expect(await post(s, [e, e])).toEqual({ accepted: [e.id], duplicates: [e.id] });
  });

  it("derives the status from the latest `at`, not the order of arrival: a late, older event does not undo a fix", async () => {
    const s = await db.server();
    await post(s, [event('PC-010', 'fixed', '2024-07-19T10:00:00Z', { files: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys'] })]);
    await post(s, [event('PC-010', 'in_progress', '2024-07-19T09:30:00Z')]);
    const m = await machine(s, 'PC-010');
    expect(m).toMatchObject({ status: 'fixed', minutesToFix: 30, filesRemoved: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys'] });
    await post(s, [event('PC-010', 'escalated', '2024-07-19T10:30:00Z')]);
    expect((await machine(s, 'PC-010'))?.status).toBe('escalated');
  });

  it('breaks a tie of equal `at` by arrival: the event that arrived last wins, in one batch and across batches', async () => {
    const s = await db.server();
    const at = '2024-07-19T11:00:00Z';
    await post(s, [event('PC-020', 'failed', at), event('PC-020', 'fixed', at)]);
    expect((await machine(s, 'PC-020'))?.status).toBe('fixed');
    await post(s, [event('PC-020', 'needs_reimage', '2024-07-19T11:00:00.000Z')]);
    expect((await machine(s, 'PC-020'))?.status).toBe('needs_reimage');
  });

  it('keeps the timeline of a machine in `at` order with its events as sent', async () => {
    const s = await db.server();
    const first = event('PC-030', 'in_progress', '2024-07-19T12:00:00Z', { method: 'safe_mode', technician: 'Cy', machine: { hostname: 'PC-030', serial: 'SN1', site: 'Berlin' } });
    const second = event('PC-030', 'fixed', '2024-07-19T12:20:00Z', { notes: 'removed the channel file', files: [{ path: 'C:\\x.sys', size: 42 }] });
    await post(s, [second, first]);
    const m = await machine(s, 'PC-030');
    const res = await s.app.inject({ method: 'GET', url: `/api/v1/machines/${m!.id}`, headers: s.as('technician') });
    expect(res.statusCode).toBe(200);
    const detail = res.json<{ machine: { serial: string; site: string; status: string }; timeline: { id: string; status: string; files: unknown[]; notes: string | null }[] }>();
    expect(detail.machine).toMatchObject({ serial: 'SN1', site: 'Berlin', status: 'fixed' });
    expect(detail.timeline.map((t) => t.id)).toEqual([first.id, second.id]);
    expect(detail.timeline[1]).toMatchObject({ notes: 'removed the channel file', files: [{ path: 'C:\\x.sys', size: 42 }] });
    const missing = await s.app.inject({ method: 'GET', url: `/api/v1/machines/${randomUUID()}`, headers: s.as('technician') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses a batch with one bad event whole, naming the field, and stores none of it', async () => {
    const s = await db.server();
    const good = event('PC-040', 'fixed', '2024-07-19T12:00:00Z');
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: s.as('technician'), payload: { events: [good, { ...event('PC-041', 'fixed', '2024-07-19T12:00:00Z'), status: 'rebooted' }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'events.1.status' } });
    expect(await machine(s, 'PC-040')).toBeUndefined();
  });
});
