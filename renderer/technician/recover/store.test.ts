import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MachineResult } from '../../../core/playbooks/machine-result.js';
import type { KeySummaryInfo, RevealedKey, VaultStatus } from '../../../core/keys/schemas.js';
import { BootmendError } from '../../../core/errors.js';
import { fakeClient, type FakeHandlers } from '../../state/fake-client.js';
import { resetKeysStore, useKeys } from '../keys/store.js';
import { mergeLists, type QueueSource } from './queue-source.js';
import { openMachine, REVEAL_REASON, resetRecoverStore, useRecover, visibleMachines } from './store.js';
import { testJournal, type TestJournal } from './test-journal.js';

// A fake password in the checksum-valid form; never a real key.
const PASSWORD = '452243-049214-114345-105017-371888-000682-463177-088396';
const KEY: KeySummaryInfo = { id: '2C8A6B9F-316C-6E71-0603-C40A0906D6BE', device: 'PC-BER-001', created: '2024-07-19T08:00:00Z', volumeType: null };
const REVEALED: RevealedKey = { ...KEY, password: PASSWORD, eventId: 'ev-1', qrSvg: '<svg/>', barcodes: [], rotationAdvice: 'Rotate it.' };
const UNLOCKED: VaultStatus = {
  path: '/data/vault.bmv',
  exists: true,
  unlocked: true,
  keys: 1,
  devices: 1,
  expiresAt: null,
  expired: false,
  keySources: ['scrypt-passphrase'],
  safeStorageAvailable: false,
  safeStorageUnavailableReason: null,
  autoLockMinutes: 15,
  updatedAt: null,
};

const STEPS = [
  { index: 0, title: 'BitLocker: find the recovery password' },
  { index: 1, title: 'Start the PC from the Bootmend stick' },
  { index: 2, title: 'Let it run' },
];

let journal: TestJournal;

function client(extra: FakeHandlers = {}) {
  return fakeClient({
    ...journal.handlers,
    getVaultStatus: () => UNLOCKED,
    lookupKey: ({ query }) => (KEY.id.startsWith(query.toUpperCase()) ? { kind: 'found', key: KEY } : { kind: 'not-found', message: 'No key with that ID.' }),
    revealKey: () => REVEALED,
    listRevealedKeys: () => ({ keys: [], csv: '', fileName: 'x.csv' }) as never,
    ...extra,
  });
}

const store = () => useRecover.getState();
const eventTypes = () => journal.events.map((event) => event.type);

beforeEach(() => {
  journal = testJournal();
  resetRecoverStore();
  resetKeysStore();
});
afterEach(() => {
  vi.useRealTimers();
  resetRecoverStore();
  resetKeysStore();
});

describe('the queue', () => {
  it('adds a scanned asset tag as a new machine under the chosen site and opens it at the path choice', async () => {
    const api = client();
    await store().load(api);
    store().setNewSite('Berlin');
    await store().scan(api, ' A-1001 ', 'scanned');
    expect(journal.events).toMatchObject([{ type: 'machine.added', source: 'scanned', machine: { hostname: 'A-1001', assetTag: 'A-1001', site: 'Berlin' } }]);
    expect(openMachine(store())?.machine.assetTag).toBe('A-1001');
    expect(store().focus?.target).toBe('path');
  });

  it('keeps the machine just scanned open when a slower list read that began before the scan answers after it', async () => {
    // The queue reads the journal every 15 s; with 10,000 machines a read takes seconds.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const listed = journal.handlers.listMachines!;
    const api = client({ listMachines: async (input, onProgress, signal) => {
      const answer = await listed(input, onProgress, signal); // the journal as it was when the read began
      await gate;
      return answer;
    } });
    const reading = store().load(api);
    await store().scan(api, 'A-2001', 'scanned');
    expect(openMachine(store())?.machine.assetTag).toBe('A-2001');
    release();
    await reading;
    expect(openMachine(store())?.machine.assetTag).toBe('A-2001');
    // A read that began after the save has it anyway, and the next one is the journal's answer alone.
    await store().load(api);
    expect(store().list?.machines.filter((m) => m.machine.assetTag === 'A-2001')).toHaveLength(1);
  });

  it('opens a machine already in the queue when its hostname, asset tag or serial is scanned, without adding it again', async () => {
    const api = client();
    await store().scan(api, 'A-1001', 'scanned');
    await store().pause(api);
    await store().scan(api, 'a-1001', 'typed');
    expect(eventTypes()).toEqual(['machine.added', 'machine.paused', 'machine.resumed']);
    expect(openMachine(store())?.status).toBe('pending');
  });

  it('opens the next machine on an empty scan (Enter), oldest waiting first; says so when nothing waits', async () => {
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    await store().pause(api);
    journal.setNow(Date.parse('2024-07-19T08:05:00Z'));
    await store().scan(api, 'PC-2', 'typed');
    await store().pause(api);
    await store().scan(api, '', 'typed');
    expect(openMachine(store())?.machine.hostname).toBe('PC-1');
    await store().recordOutcome(api, 'nothing_to_do');
    await store().openNext(api);
    expect(openMachine(store())?.machine.hostname).toBe('PC-2');
    await store().recordOutcome(api, 'needs_reimage');
    await store().openNext(api);
    expect(store().walk).toBeNull();
    expect(store().scanFailure).toContain('Nothing waits');
    expect(store().focus?.target).toBe('scan');
  });

  it('refuses a scan too long for a hostname, saying how long it was', async () => {
    await store().scan(client(), 'X'.repeat(80), 'scanned');
    expect(store().scanFailure).toContain('80 characters');
    expect(journal.events).toEqual([]);
  });

  it('filters by site and status; needs_reimage stays in the open list for the helpdesk but leaves the to-do', async () => {
    const api = client();
    store().setNewSite('Berlin');
    await store().scan(api, 'PC-BER-1', 'typed');
    await store().recordOutcome(api, 'needs_reimage');
    store().setNewSite('Madrid');
    await store().scan(api, 'PC-MAD-1', 'typed');
    await store().pause(api);
    const names = () => visibleMachines(store()).map((m) => m.machine.hostname);
    expect(names()).toEqual(['PC-MAD-1']);
    store().setFilter({ status: 'open' });
    expect(names().sort()).toEqual(['PC-BER-1', 'PC-MAD-1']);
    store().setFilter({ site: 'Berlin' });
    expect(names()).toEqual(['PC-BER-1']);
    expect(store().list?.sites).toEqual(['Berlin', 'Madrid']);
  });

  it('takes machines from another source (a fleet list) and adds one to the journal when it is opened', async () => {
    const fleet: QueueSource = {
      id: 'fleet',
      list: async () => ({ machines: [], offered: [{ key: 'f1', identity: { hostname: 'PC-FLEET-1', serial: 'SN9', site: 'Oslo' } }], sites: ['Oslo'], counts: { pending: 1 }, damagedLines: 0 }),
    };
    useRecover.setState({ sources: [useRecover.getState().sources[0]!, fleet] });
    const api = client();
    await store().load(api);
    expect(store().list?.offered.map((o) => o.identity.hostname)).toEqual(['PC-FLEET-1']);
    await store().scan(api, 'sn9', 'scanned');
    expect(journal.events).toMatchObject([{ type: 'machine.added', source: 'fleet', machine: { hostname: 'PC-FLEET-1', serial: 'SN9' } }]);
    expect(store().list?.offered).toEqual([]);
  });

  it('does not offer a fleet machine the journal already holds', () => {
    const merged = mergeLists([
      { machines: [journal.handlers.recordEvent!({ type: 'machine.added', source: 'typed', machine: { hostname: 'pc-1' } }, () => undefined, undefined) as never].map((a: { state: never }) => a.state), offered: [], sites: [], counts: { pending: 1 }, damagedLines: 0 },
      { machines: [], offered: [{ key: 'x', identity: { hostname: 'PC-1' } }, { key: 'y', identity: { hostname: 'PC-2' } }], sites: [], counts: { pending: 2 }, damagedLines: 1 },
    ]);
    expect(merged.offered.map((o) => o.key)).toEqual(['y']);
    expect(merged.counts.pending).toBe(3);
    expect(merged.damagedLines).toBe(1);
  });
});

describe("the backend's fleet list in the queue", () => {
  const fleet = (hostname: string, extra: { serial?: string; assetTag?: string } = {}) => ({ backendId: `b-${hostname}`, identity: { hostname, site: 'Berlin', ...extra }, status: 'pending' as const });

  it('pulls the site typed into the queue: a machine the journal holds (by hostname, serial or asset tag) or listed twice is offered once', async () => {
    const api = client({
      pullFleetList: ({ site }) => ({
        site: site!,
        machines: [fleet('PC-B001', { serial: 'SN-1' }), fleet('PC-B002', { assetTag: 'AT-2' }), fleet('pc-b003'), fleet('PC-B003-OLD', { assetTag: 'AT-2' }), fleet('PC-B004')],
        pages: 2,
        truncated: false,
        pulledAt: '2024-07-19T08:00:00.000Z',
      }),
    });
    await store().load(api);
    store().setScanKind('serial');
    await store().scan(api, 'sn-1', 'scanned'); // the journal knows this one by its serial only, in other case
    await store().pause(api);
    await store().scan(api, 'PC-B003', 'typed');
    await store().pause(api);
    store().setFleetSite('Berlin');
    await store().pullFleet(api);
    expect(api.calls.find((call) => call.name === 'pullFleetList')?.input).toEqual({ site: 'Berlin' });
    expect(store().fleet).toMatchObject({ status: 'done', error: null, pulled: { site: 'Berlin', machines: 5, pages: 2 } });
    expect(store().list?.offered.map((o) => o.identity.hostname)).toEqual(['PC-B002', 'PC-B004']);
    // Opening an offered machine adds it to the journal from the fleet; it leaves the offers.
    await store().scan(api, 'AT-2', 'scanned');
    expect(journal.events.at(-1)).toMatchObject({ type: 'machine.added', source: 'fleet', machine: { hostname: 'PC-B002', assetTag: 'AT-2', site: 'Berlin' } });
    expect(store().list?.offered.map((o) => o.identity.hostname)).toEqual(['PC-B004']);
  });

  it('says why a pull failed (offline, a refused token) and keeps the journal queue as it was', async () => {
    const api = client({
      pullFleetList: () => {
        throw new BootmendError('UNAVAILABLE', 'Cannot reach the backend at https://helpdesk.example.org (ENOTFOUND): this laptop seems offline, or the address in Settings is wrong.');
      },
    });
    await store().load(api);
    await store().scan(api, 'PC-1', 'typed');
    await store().pullFleet(api);
    expect(store().fleet).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Type the site/) as unknown });
    store().setFleetSite('Berlin');
    await store().pullFleet(api);
    expect(store().fleet).toMatchObject({ status: 'failed', error: expect.stringContaining('this laptop seems offline') as unknown });
    expect(store().list?.machines.map((m) => m.machine.hostname)).toEqual(['PC-1']);
    expect(store().list?.offered).toEqual([]);
  });
});

describe('the walkthrough', () => {
  it('records the path, the key ID lookup and the audited reveal for this machine, then every step and fixed', async () => {
    const api = client();
    await store().scan(api, 'PC-BER-001-DESK4', 'scanned');
    await store().choosePath(api, 'winpe');
    expect(store().focus?.target).toBe('key-id');
    store().edit({ keyQuery: '2c8a6b9f' });
    await store().lookupKey(api);
    expect(store().focus?.target).toBe('reveal');
    await store().revealKey(api);
    const reveal = api.calls.find((call) => call.name === 'revealKey');
    // The audit event names this journal machine, not only its hostname.
    expect(reveal?.input).toEqual({ id: KEY.id, machine: 'PC-BER-001-DESK4', reason: REVEAL_REASON, machineId: journal.events[0]!.machineId });
    expect(useKeys.getState().revealed?.password).toBe(PASSWORD);
    expect(store().walk?.keyIdUsed).toBe(KEY.id);

    await store().confirmSteps(api, STEPS, { stage: 'outcome' });
    expect(store().walk?.view).toEqual({ stage: 'outcome' });
    await store().recordOutcome(api, 'fixed');
    expect(eventTypes()).toEqual(['machine.added', 'machine.path_chosen', 'machine.step_confirmed', 'machine.step_confirmed', 'machine.step_confirmed', 'machine.outcome']);
    expect(journal.events.at(-1)).toMatchObject({ outcome: 'fixed', path: 'winpe', keyId: KEY.id });
    // No password in any event, and none left on screen once the machine is done.
    expect(JSON.stringify(journal.events)).not.toContain(PASSWORD.slice(0, 6));
    expect(useKeys.getState().revealed).toBeNull();
    expect(store().walk).toBeNull();
    expect(store().focus?.target).toBe('scan');
  });

  it("asks the backend's escrow when the vault has no match: candidates without passwords, then the one chosen, revealed for this machine", async () => {
    const other = { id: '2C8A6B9F-9999-6E71-0603-C40A0906D6BE', device: 'PC-BER-009', created: null, volumeType: null };
    const api = client({
      lookupKey: () => ({ kind: 'not-found', message: 'No key in this vault has that key ID.' }),
      lookupEscrowKey: ({ keyId }) =>
        keyId.length > 8 ? { match: 'one', revealed: { ...REVEALED, id: keyId } } : { match: 'ambiguous', candidates: [KEY, other], message: '2 escrowed keys start with 2C8A6B9F: type more of the key ID, or choose the key.' },
    });
    await store().scan(api, 'PC-BER-001', 'scanned');
    await store().choosePath(api, 'winre');
    store().edit({ keyQuery: '2c8a6b9f' });
    await store().lookupKey(api);
    expect(store().focus?.target).toBe('reveal'); // the "ask the escrow" button
    await store().askEscrow(api);
    expect(useKeys.getState().escrow).toMatchObject({ status: 'done', candidates: [KEY, other] });
    expect(useKeys.getState().revealed).toBeNull();
    await store().askEscrow(api, KEY.id);
    const machineId = journal.events[0]!.machineId;
    expect(api.calls.filter((call) => call.name === 'lookupEscrowKey').map((call) => call.input)).toEqual([
      { keyId: '2c8a6b9f', machine: 'PC-BER-001', reason: REVEAL_REASON, machineId },
      { keyId: KEY.id, machine: 'PC-BER-001', reason: REVEAL_REASON, machineId },
    ]);
    expect(useKeys.getState().revealed?.password).toBe(PASSWORD);
    expect(store().walk?.keyIdUsed).toBe(KEY.id);
  });

  it('refuses fixed before a path is chosen, and records nothing', async () => {
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    await store().recordOutcome(api, 'fixed');
    expect(store().outcomeProblem).toMatchObject({ field: 'path' });
    expect(eventTypes()).toEqual(['machine.added']);
  });

  it('pauses and comes back at the same step, with the timer stopped meanwhile', async () => {
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    await store().choosePath(api, 'winre');
    journal.setNow(Date.parse('2024-07-19T08:02:00Z'));
    await store().confirmSteps(api, STEPS.slice(0, 2), { stage: 'step', index: 2 });
    await store().pause(api);
    expect(store().walk).toBeNull();
    expect(journal.state(journal.events[0]!.machineId)).toMatchObject({ status: 'paused', secondsWorked: 120, stepsConfirmed: [0, 1] });
    journal.setNow(Date.parse('2024-07-19T09:00:00Z'));
    await store().scan(api, 'PC-1', 'typed');
    expect(store().walk?.view).toBeNull();
    expect(openMachine(store())).toMatchObject({ status: 'in_progress', path: 'winre', stepsConfirmed: [0, 1], secondsWorked: 120 });
  });

  it('sets aside the machine left for another one', async () => {
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    await store().choosePath(api, 'winpe');
    await store().scan(api, 'PC-2', 'typed');
    expect(journal.state(journal.events[0]!.machineId).status).toBe('paused');
    await store().pause(api);
    await store().scan(api, 'PC-1', 'typed');
    expect(eventTypes()).toEqual(['machine.added', 'machine.path_chosen', 'machine.paused', 'machine.added', 'machine.paused', 'machine.resumed']);
    expect(journal.events[2]!.machineId).toBe(journal.events[0]!.machineId);
  });

  it('undoes the last outcome within 10 seconds and reopens the machine at its outcome; not after', async () => {
    vi.useFakeTimers({ now: Date.parse('2024-07-19T08:00:00Z') });
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    await store().choosePath(api, 'safe_mode');
    await store().recordOutcome(api, 'fixed');
    const outcomeId = journal.events.at(-1)!.id;
    expect(store().lastOutcome).toMatchObject({ hostname: 'PC-1', outcome: 'fixed' });
    vi.advanceTimersByTime(9_000);
    await store().undo(api);
    expect(journal.events.at(-1)).toMatchObject({ type: 'machine.outcome_undone', undoes: outcomeId });
    expect(openMachine(store())).toMatchObject({ status: 'in_progress', outcome: null });
    expect(store().walk?.view).toEqual({ stage: 'outcome' });

    await store().recordOutcome(api, 'escalated');
    vi.advanceTimersByTime(10_000);
    expect(store().lastOutcome).toBeNull();
    await store().undo(api);
    expect(journal.events.at(-1)).toMatchObject({ type: 'machine.outcome', outcome: 'escalated' });
  });

  it("pre-fills the outcome from the stick's result for this machine", async () => {
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    const machineId = journal.events[0]!.machineId;
    const result: MachineResult = {
      schemaVersion: 1,
      playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
      mediumId: 'm1',
      machine: { name: 'PC-1', serial: null, manufacturer: null, model: null },
      environment: 'winpe',
      utcOffsetMinutes: 0,
      volumes: [{ volume: 'C:', bitlocker: 'unlocked-by-bootmend', keyId: KEY.id, outcome: 'fixed' }],
      files: [
        {
          volume: 'C:',
          path: 'C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys',
          targetId: 'channel-file-291',
          sizeBytes: 1,
          modifiedUtc: null,
          checks: { modifiedUtc: 'pass', sizeBytes: 'not-required', leadingBytes: 'pass', sha256: 'not-required' },
          action: 'quarantined',
          quarantinePath: null,
          note: null,
        },
      ],
      safeBoot: { requested: null, result: null },
      outcome: 'fixed',
      startedAt: '2024-07-19T08:00:00Z',
      endedAt: '2024-07-19T08:03:00Z',
    };
    await api.call('recordEvent', { type: 'machine.result_read', machineId, resultKey: 'm1/PC-1.json', file: 'PC-1.json', result });
    await store().load(api);
    await store().open(api, machineId);
    expect(store().walk).toMatchObject({ files: 'C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys', keyIdUsed: KEY.id, suggested: 'fixed' });
  });

  it('says why an event was not saved and stays where it was', async () => {
    const api = client();
    await store().scan(api, 'PC-1', 'typed');
    const failing = client({
      recordEvent: () => {
        throw new (class extends Error {})('disk full');
      },
    });
    await store().choosePath(failing, 'winpe');
    expect(store().saveError).toContain('disk full');
    expect(openMachine(store())?.path).toBeNull();
  });
});
