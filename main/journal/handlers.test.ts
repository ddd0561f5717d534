import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBackendEvent } from '../../core/backend/events.js';
import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import type { ApiError } from '../../core/errors.js';
import { KeyRevealedAuditSchema } from '../../core/journal/schemas.js';
import type { MachineResult } from '../../core/playbooks/machine-result.js';
import { tempDir } from '../../test/temp.js';
import { createApi, type BootmendApi } from '../api.js';
import { buildFixtures } from '../keys/fixtures/generate.js';
import { FileJournal } from './journal.js';
import { MachineIndex } from './machines.js';
import { findSticks } from './sticks.js';

/** The journal's local-API methods over real services (a real journal file in a temp data folder). */

function newApi(dataDir = tempDir('journal-api')): BootmendApi {
  return createApi({ host: 'cli', dataDir, vaultAutoLockMinutes: null });
}

let jobs = 0;
async function call<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `journal-test-${(jobs += 1)}` });
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { api: envelope.error });
  return envelope.value as MethodOutput<K>;
}

async function refusal<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<ApiError> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `journal-test-${(jobs += 1)}` });
  if (envelope.ok) throw new Error(`${name} was expected to be refused`);
  return envelope.error;
}

const BERLIN = { hostname: 'PC-BER-001', serial: 'SN-BER-001', assetTag: 'AT-1001', site: 'Berlin' };
const MUNICH = { hostname: 'PC-MUC-002', serial: 'SN-MUC-002', site: 'Munich' };

describe('recordEvent, listMachines, getMachine', () => {
  it('records a journey for a machine and answers its state at each step', async () => {
    const api = newApi();
    await call(api, 'saveSettings', { technicianName: 'Ana Field' });
    const added = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine: BERLIN });
    expect(added).toMatchObject({ saved: true, event: { seq: 1, type: 'machine.added', machine: BERLIN }, state: { status: 'pending', machine: BERLIN } });
    const machineId = added.state.machineId;
    await call(api, 'recordEvent', { type: 'machine.path_chosen', path: 'winre', machineId });
    const step = await call(api, 'recordEvent', { type: 'machine.step_confirmed', path: 'winre', step: 0, title: 'Open the command prompt', machineId });
    expect(step).toMatchObject({ event: { seq: 3, machine: BERLIN }, state: { status: 'in_progress', path: 'winre', stepsConfirmed: [0] } });
    const fixed = await call(api, 'recordEvent', { type: 'machine.outcome', outcome: 'fixed', machineId, notes: 'Booted to the desktop', filesRemoved: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys'] });
    expect(fixed.state).toMatchObject({ status: 'fixed', openFor: null, notes: 'Booted to the desktop' });
    const detail = await call(api, 'getMachine', { machineId });
    expect(detail.events.map((e) => e.type)).toEqual(['machine.added', 'machine.path_chosen', 'machine.step_confirmed', 'machine.outcome']);
    expect(detail.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(detail.events.map((e) => e.technician)).toEqual(['Ana Field', 'Ana Field', 'Ana Field', 'Ana Field']);
    expect(detail.state.technician).toBe('Ana Field');
  });

  it('a retried event id is saved once and answers the first save', async () => {
    const api = newApi();
    const id = '8f0c6a1e-3b7d-4c2a-9e5f-1a2b3c4d5e6f';
    const first = await call(api, 'recordEvent', { id, type: 'machine.added', source: 'typed', machine: BERLIN });
    const again = await call(api, 'recordEvent', { id, type: 'machine.added', source: 'typed', machine: BERLIN });
    expect(again).toEqual({ ...first, saved: false });
    expect(readFileSync(api.services.files.journal, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('refuses fixed without a path, naming the machine, and writes nothing', async () => {
    const api = newApi();
    const { state } = await call(api, 'recordEvent', { type: 'machine.added', source: 'typed', machine: BERLIN });
    const error = await refusal(api, 'recordEvent', { type: 'machine.outcome', outcome: 'fixed', machineId: state.machineId });
    expect(error).toEqual({
      code: 'INVALID_INPUT',
      field: 'outcome',
      message: 'PC-BER-001 cannot be recorded as fixed before a recovery path is chosen (Bootmend stick, WinRE or Safe Mode) or a stick result says it was fixed.',
    });
    expect(readFileSync(api.services.files.journal, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('needs_reimage leaves the machine open for the helpdesk', async () => {
    const api = newApi();
    const { state } = await call(api, 'recordEvent', { type: 'machine.added', source: 'typed', machine: BERLIN });
    const reimage = await call(api, 'recordEvent', { type: 'machine.outcome', outcome: 'needs_reimage', machineId: state.machineId, notes: 'Disk errors' });
    expect(reimage.state).toMatchObject({ status: 'needs_reimage', openFor: 'helpdesk', endedAt: expect.any(String) });
  });

  it('refuses an event for a machine the journal does not have, and a new machine without a hostname', async () => {
    const api = newApi();
    expect(await refusal(api, 'recordEvent', { type: 'machine.paused', machineId: '8f0c6a1e-3b7d-4c2a-9e5f-1a2b3c4d5e6f' })).toMatchObject({ code: 'NOT_FOUND', field: 'machineId' });
    expect(await refusal(api, 'recordEvent', { type: 'machine.added', source: 'typed' })).toMatchObject({ code: 'INVALID_INPUT', field: 'machine' });
  });

  it('lists machines with counts per status, sites, and a search over hostname, serial and asset tag', async () => {
    const api = newApi();
    const a = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine: BERLIN });
    await call(api, 'recordEvent', { type: 'machine.added', source: 'typed', machine: MUNICH });
    await call(api, 'recordEvent', { type: 'machine.path_chosen', path: 'safe_mode', machineId: a.state.machineId });
    const all = await call(api, 'listMachines', {});
    expect(all.machines.map((m) => m.machine.hostname)).toEqual(['PC-BER-001', 'PC-MUC-002']);
    expect(all.counts).toMatchObject({ pending: 1, in_progress: 1, fixed: 0 });
    expect(all.sites).toEqual(['Berlin', 'Munich']);
    expect((await call(api, 'listMachines', { q: 'at-10' })).machines.map((m) => m.machine.hostname)).toEqual(['PC-BER-001']);
    expect((await call(api, 'listMachines', { q: 'sn-muc' })).machines.map((m) => m.machine.hostname)).toEqual(['PC-MUC-002']);
    expect((await call(api, 'listMachines', { site: 'munich' })).machines).toHaveLength(1);
    const pending = await call(api, 'listMachines', { status: ['pending'] });
    expect(pending.machines.map((m) => m.machine.hostname)).toEqual(['PC-MUC-002']);
    expect(pending.counts).toMatchObject({ pending: 1, in_progress: 1 });
  });

  it('keeps seq counting up across a restart (a new journal object on the same file) and sees what another process wrote', async () => {
    const api = newApi();
    const a = await call(api, 'recordEvent', { type: 'machine.added', source: 'typed', machine: BERLIN });
    const other = new FileJournal(api.services.files.journal);
    const stored = await other.appendStored({ id: 'ffffffff-0000-4000-8000-000000000001', type: 'machine.path_chosen', at: new Date().toISOString(), technician: 'B', machineId: a.state.machineId, machine: BERLIN, path: 'winpe' });
    expect(stored.event.seq).toBe(2);
    const third = await call(api, 'recordEvent', { type: 'machine.step_confirmed', path: 'winpe', step: 0, title: 'Boot the stick', machineId: a.state.machineId });
    expect(third.event.seq).toBe(3);
    expect(third.state).toMatchObject({ path: 'winpe', stepsConfirmed: [0] });
    const fresh = new MachineIndex(new FileJournal(api.services.files.journal));
    await fresh.load();
    expect(fresh.state(a.state.machineId)).toEqual(third.state);
  });

  it('counts what waits for the backend in the status bar until a sync acknowledges it', async () => {
    const api = newApi();
    expect((await call(api, 'getStatus', {})).journal.pendingSync).toBe(0);
    const a = await call(api, 'recordEvent', { type: 'machine.added', source: 'typed', machine: BERLIN });
    const b = await call(api, 'recordEvent', { type: 'machine.path_chosen', path: 'winre', machineId: a.state.machineId });
    const c = await call(api, 'recordEvent', { type: 'machine.outcome', outcome: 'fixed', path: 'winre', machineId: a.state.machineId, filesRemoved: [] });
    // A machine queued tells the helpdesk nothing: it stays in the outbox until a sync clears it, uncounted.
    expect(await api.services.journal.pendingSync()).toBe(3);
    expect((await call(api, 'getStatus', {})).journal.pendingSync).toBe(2);
    expect((await call(api, 'getStatus', {})).sync.waiting).toBe(2);
    await api.services.journal.acknowledge([a.event.id, b.event.id]);
    expect((await call(api, 'getStatus', {})).journal.pendingSync).toBe(1);
    expect((await api.services.journal.outbox()).map((e) => e.id)).toEqual([c.event.id]);
    expect(await new FileJournal(api.services.files.journal).pendingSync()).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------

function result(name: string, serial: string | null, outcome: MachineResult['outcome'], startedAt = '2024-07-19T09:00:00Z'): MachineResult {
  return {
    schemaVersion: 1,
    playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
    mediumId: 'stick-7',
    machine: { name, serial, manufacturer: 'Dell', model: 'Latitude' },
    environment: 'winpe',
    utcOffsetMinutes: -420,
    volumes: [{ volume: 'C:', bitlocker: 'not-protected', keyId: null, outcome: outcome === 'needs_attention' ? 'needs_attention' : outcome }],
    files: [],
    safeBoot: { requested: null, result: null },
    outcome,
    startedAt,
    endedAt: startedAt.replace('09:00', '09:02'),
  };
}

function stickWith(files: Record<string, string>): string {
  const root = tempDir('stick');
  mkdirSync(join(root, 'bootmend', 'results'), { recursive: true });
  writeFileSync(join(root, 'bootmend', 'playbook.json'), '{}');
  writeFileSync(join(root, 'bootmend', 'fix.cmd'), '@echo off');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'bootmend', 'results', name), text);
  return root;
}

describe('ingestResults (hand-written result files; the Wine test reads real ones)', () => {
  it('merges valid files, names each rejected one with its reason, and reads the same files again as no new record', async () => {
    const api = newApi();
    const existing = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine: { hostname: 'PC-BER-001', serial: 'SN-BER-001', site: 'Berlin' } });
    const stick = stickWith({
      'PC-BER-001-1.json': JSON.stringify(result('PC-BER-001', 'SN-BER-001', 'fixed')),
      'PC-BER-002-1.json': JSON.stringify(result('PC-BER-002', null, 'nothing_to_do')),
      'PC-BER-003-1.json': JSON.stringify(result('PC-BER-003', 'SN3', 'needs_attention')),
      'broken.json': '{"schemaVersion": 1, "outc',
      'wrong.json': JSON.stringify({ ...result('PC-X', null, 'fixed'), outcome: 'great' }),
      'notes.txt': 'not a result',
    });
    const progress: number[] = [];
    const envelope = await api.dispatcher.call('ingestResults', { path: stick }, { jobId: 'ingest-test-1', onProgress: (p) => progress.push(p.bytesDone) });
    if (!envelope.ok) throw new Error(envelope.error.message);
    const first = envelope.value as MethodOutput<'ingestResults'>;
    expect(first).toMatchObject({ filesRead: 5, machines: 3, alreadyRecorded: 0, byOutcome: { fixed: 1, nothing_to_do: 1, needs_attention: 1 } });
    expect(first.sentence).toBe('3 machines: 1 fixed, 1 nothing to do, 1 needs attention (2 files rejected)');
    expect(first.rejected.map((r) => r.file)).toEqual(['broken.json', 'wrong.json']);
    expect(first.rejected[0]!.reason).toMatch(/^it is not JSON/);
    expect(first.rejected[1]!.reason).toMatch(/^it is not a fix\.cmd result: outcome: /);
    expect(progress.at(-1)).toBe(5);

    const list = await call(api, 'listMachines', {});
    expect(list.machines).toHaveLength(3);
    // The result for a machine already in the journal (same serial) joins it.
    const berlin = list.machines.find((m) => m.machineId === existing.state.machineId)!;
    expect(berlin).toMatchObject({ status: 'pending', stickResult: { outcome: 'fixed' } });
    const eventsBefore = readFileSync(api.services.files.journal, 'utf8').trim().split('\n').length;

    const again = await call(api, 'ingestResults', { path: join(stick, 'bootmend', 'results') });
    expect(again).toMatchObject({ machines: 3, alreadyRecorded: 3 });
    expect(again.sentence).toBe('3 machines: 1 fixed, 1 nothing to do, 1 needs attention (3 results were already in the journal; 2 files rejected)');
    expect(readFileSync(api.services.files.journal, 'utf8').trim().split('\n')).toHaveLength(eventsBefore);
    // fixed from the stick's result is enough for a fixed outcome without a path.
    expect((await call(api, 'recordEvent', { type: 'machine.outcome', outcome: 'fixed', machineId: berlin.machineId })).state.status).toBe('fixed');
  });

  it('says when the folder has no bootmend results folder, or does not exist', async () => {
    const api = newApi();
    expect(await refusal(api, 'ingestResults', { path: tempDir('empty') })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/has no bootmend\\results folder/) });
    expect(await refusal(api, 'ingestResults', { path: '/nonexistent/stick' })).toMatchObject({ code: 'NOT_FOUND', message: 'There is no folder or drive at /nonexistent/stick.' });
  });
});

describe('listSticks (the OS mount list stands in for plugged-in sticks)', () => {
  it('finds a medium by its bootmend/medium.json or playbook.json + fix.cmd and counts its result files', async () => {
    const stick = stickWith({ 'a.json': '{}', 'b.json': '{}' });
    const newer = tempDir('stick-new');
    mkdirSync(join(newer, 'bootmend'));
    writeFileSync(join(newer, 'bootmend', 'medium.json'), '{}');
    const other = tempDir('usb-disk');
    const sticks = await findSticks(async () => [
      { path: stick, label: 'BOOTMEND' },
      { path: newer, label: null },
      { path: other, label: 'DATA' },
    ]);
    expect(sticks).toEqual([
      { path: stick, label: 'BOOTMEND', resultFiles: 2 },
      { path: newer, label: null, resultFiles: 0 },
    ]);
  });

  it('asks systeminformation for this laptop\u2019s mounts (here: no Bootmend stick)', async () => {
    const api = newApi();
    expect(await call(api, 'listSticks', {})).toEqual({ sticks: [] });
  });
});

// ---------------------------------------------------------------------------------------

describe('exportJournal', () => {
  const PASSPHRASE = 'correct horse battery';

  it('one row per machine in CSV, JSON and NDJSON, filtered by site and time; never a recovery password, even with reveals in the journal', async () => {
    const api = newApi();
    const fixtures = buildFixtures();
    const key = fixtures.keys.find((k) => k.device === 'PC-BER-001')!;
    await call(api, 'unlockVault', { passphrase: PASSPHRASE, create: true });
    await call(api, 'importKeys', { sources: [{ name: 'ad-raw-type.csv', text: fixtures.files['ad-raw-type.csv']!.toString('utf8') }] });
    const a = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine: BERLIN });
    await call(api, 'recordEvent', { type: 'machine.path_chosen', path: 'winre', machineId: a.state.machineId });
    const revealed = await call(api, 'revealKey', { id: key.id, machine: 'PC-BER-001', reason: 'Recovery screen', machineId: a.state.machineId });
    expect(revealed.password).toBe(key.password);
    await call(api, 'recordEvent', { type: 'machine.outcome', outcome: 'fixed', machineId: a.state.machineId, notes: '=cmd|calc, "quoted"', filesRemoved: ['C:\\a.sys', 'C:\\b.sys'] });
    await call(api, 'recordEvent', { type: 'machine.added', source: 'typed', machine: MUNICH });

    const audit = (await api.services.journal.read({ type: 'key.revealed' })).events;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ machineId: a.state.machineId, keyId: key.id });
    // The audit names the machine the way every journal event does: hostname, serial, asset tag, site.
    expect(audit[0]!.machineIdentity).toEqual(BERLIN);
    const listed = await call(api, 'listRevealedKeys', {});
    expect(listed.revealed[0]).toMatchObject({ machine: 'PC-BER-001', serial: 'SN-BER-001', assetTag: 'AT-1001', site: 'Berlin' });
    expect(listed.csv).toContain(',Recovery screen,SN-BER-001,AT-1001,Berlin\r\n');

    const csv = await call(api, 'exportJournal', { format: 'csv' });
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('hostname,serial,asset tag,site,outcome,path,technician,started,ended,minutes,files removed,key ID used,notes');
    expect(lines[1]).toMatch(new RegExp(`^PC-BER-001,SN-BER-001,AT-1001,Berlin,fixed,winre,[^,]+,\\d{4}-[^,]+,\\d{4}-[^,]+,0,C:\\\\a\\.sys; C:\\\\b\\.sys,${key.id},"'=cmd\\|calc, ""quoted"""$`));
    expect(lines[2]).toMatch(/^PC-MUC-002,SN-MUC-002,,Munich,pending,,/);
    expect(csv).toMatchObject({ rows: 2, format: 'csv', fileName: expect.stringMatching(/^bootmend-machines-\d{8}-\d{4}\.csv$/) });

    const json = JSON.parse((await call(api, 'exportJournal', { format: 'json', site: 'berlin' })).text) as { hostname: string; keyIdUsed: string; filesRemoved: string[] }[];
    expect(json).toEqual([expect.objectContaining({ hostname: 'PC-BER-001', keyIdUsed: key.id, filesRemoved: ['C:\\a.sys', 'C:\\b.sys'], outcome: 'fixed', path: 'winre' })]);
    const ndjson = (await call(api, 'exportJournal', { format: 'ndjson' })).text.trim().split('\n');
    expect(ndjson.map((l) => (JSON.parse(l) as { hostname: string }).hostname)).toEqual(['PC-BER-001', 'PC-MUC-002']);
    expect((await call(api, 'exportJournal', { format: 'json', since: '2999-01-01T00:00:00Z' })).rows).toBe(0);

    const events = await call(api, 'exportJournal', { format: 'ndjson', events: true });
    expect(events.rows).toBe(5);
    expect(events.text).toContain('"type":"key.revealed"');
    // The export's raw log and the helpdesk's copy name the machine the key was revealed for in full.
    const exportedAudit = events.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.type === 'key.revealed');
    expect(exportedAudit).toMatchObject({ keyId: key.id, machineIdentity: BERLIN });
    // The audit stays on this laptop (a reveal after the outcome must not reopen the machine on the dashboard).
    expect(KeyRevealedAuditSchema.parse(audit[0]).machineIdentity).toEqual(BERLIN);
    expect(toBackendEvent(audit[0] as unknown as Parameters<typeof toBackendEvent>[0])).toBeNull();
    const eventsCsv = await call(api, 'exportJournal', { format: 'csv', events: true, site: 'Berlin' });
    expect(eventsCsv.rows).toBe(4);

    const digits = key.password.replace(/-/g, '');
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      for (const asEvents of [false, true]) {
        const { text } = await call(api, 'exportJournal', { format, events: asEvents });
        expect(text).not.toContain(key.password);
        expect(text.replace(/\D/g, '')).not.toContain(digits);
      }
    }
    expect(readFileSync(api.services.files.journal, 'utf8')).not.toContain(key.password);
  });

  it('refuses a reveal for a machine the journal does not have, before showing the password', async () => {
    const api = newApi();
    const fixtures = buildFixtures();
    const key = fixtures.keys.find((k) => k.device === 'PC-BER-001')!;
    await call(api, 'unlockVault', { passphrase: PASSPHRASE, create: true });
    await call(api, 'importKeys', { sources: [{ name: 'ad-raw-type.csv', text: fixtures.files['ad-raw-type.csv']!.toString('utf8') }] });
    expect(await refusal(api, 'revealKey', { id: key.id, machine: 'PC-BER-001', reason: 'r', machineId: '8f0c6a1e-3b7d-4c2a-9e5f-1a2b3c4d5e6f' })).toMatchObject({ code: 'NOT_FOUND', field: 'machineId' });
    expect((await api.services.journal.read({ type: 'key.revealed' })).events).toEqual([]);
  });
});
