import { describe, expect, it } from 'vitest';
import { machineStateFixture } from '../journal/machine-fixtures.js';
import { RecordEventRequestSchema, type MachineState } from '../journal/schemas.js';
import type { MachineResult } from '../playbooks/machine-result.js';
import { canUndo, checkOutcome, closesMachine, fullKeyId, isOpen, isTodo, outcomeEvent, prefillFromStick, secondsWorkedAt, UNDO_WINDOW_MS } from './outcome.js';
import { stickSays } from '../journal/ingest-summary.js';
import { identityFromScan, inNextOrder, matchesScan, pickNext, scanProblem } from './queue.js';

const KEY_ID = '8A1C3E5F-1234-4ABC-9DEF-0123456789AB';

function state(overrides: Partial<MachineState> = {}): MachineState {
  return machineStateFixture({ machineId: '0b7a1c52-4f0e-4c59-9a43-5a0c1f6f1a01', machine: { hostname: 'PC-BER-001', assetTag: 'A-1001', site: 'Berlin' }, ...overrides });
}

describe('outcome rules', () => {
  it('refuses fixed without a path, naming the path as what is missing', () => {
    expect(checkOutcome({ outcome: 'fixed', path: null, notes: '' })).toEqual({ field: 'path', message: expect.stringContaining('before marking the machine fixed') });
    expect(checkOutcome({ outcome: 'fixed', path: 'winre', notes: '' })).toBeNull();
  });

  it('lets the other outcomes be recorded without a path (a PC that needed nothing, or went to the helpdesk)', () => {
    for (const outcome of ['nothing_to_do', 'needs_reimage', 'escalated', 'failed'] as const) expect(checkOutcome({ outcome, path: null, notes: '' })).toBeNull();
  });

  it('keeps needs_reimage (and escalated, failed) open for the helpdesk; fixed and nothing_to_do close the machine', () => {
    expect(closesMachine('needs_reimage')).toBe(false);
    expect(isOpen('needs_reimage')).toBe(true);
    expect(isOpen('escalated')).toBe(true);
    expect(isOpen('failed')).toBe(true);
    expect(closesMachine('fixed')).toBe(true);
    expect(isOpen('fixed')).toBe(false);
    expect(isOpen('nothing_to_do')).toBe(false);
    // The helpdesk's machines are open but not the technician's next.
    expect(isTodo('needs_reimage')).toBe(false);
    expect(isTodo('paused')).toBe(true);
  });

  it('makes an outcome event the journal accepts: trimmed notes, files once each, only a full key ID', () => {
    const event = outcomeEvent(state(), { outcome: 'fixed', path: 'winpe', notes: '  done  ', filesRemoved: ['C:\\a.sys', ' C:\\a.sys', ''], keyId: KEY_ID.toLowerCase() });
    expect(event).toEqual({ type: 'machine.outcome', machineId: state().machineId, machine: state().machine, outcome: 'fixed', path: 'winpe', notes: 'done', filesRemoved: ['C:\\a.sys'], keyId: KEY_ID });
    expect(RecordEventRequestSchema.safeParse(event).success).toBe(true);
    const partial = outcomeEvent(state(), { outcome: 'escalated', path: null, notes: '', filesRemoved: [], keyId: '8A1C3E5F' });
    expect(partial).not.toHaveProperty('keyId');
    expect(partial).not.toHaveProperty('path');
    expect(RecordEventRequestSchema.safeParse(partial).success).toBe(true);
  });

  it('reads key IDs with braces or in lower case, and not a partial one', () => {
    expect(fullKeyId(`{${KEY_ID.toLowerCase()}}`)).toBe(KEY_ID);
    expect(fullKeyId('8A1C3E5F')).toBeNull();
  });

  it('offers undo for 10 seconds', () => {
    expect(UNDO_WINDOW_MS).toBe(10_000);
    expect(canUndo(1_000, 1_000 + 9_999)).toBe(true);
    expect(canUndo(1_000, 1_000 + 10_000)).toBe(false);
  });

  it("pre-fills the outcome from the stick's result: files moved or deleted, the key ID the fix used, the path it ran in", () => {
    const file = (path: string, action: MachineResult['files'][number]['action']): MachineResult['files'][number] => ({
      volume: 'C:',
      path,
      targetId: 'channel-file-291',
      sizeBytes: 42,
      modifiedUtc: '2024-07-19T04:09:00Z',
      checks: { modifiedUtc: 'pass', sizeBytes: 'not-required', leadingBytes: 'pass', sha256: 'not-required' },
      action,
      quarantinePath: null,
      note: null,
    });
    const result: MachineResult = {
      schemaVersion: 1,
      playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
      mediumId: 'm1',
      machine: { name: 'PC-BER-001', serial: null, manufacturer: null, model: null },
      environment: 'winre',
      utcOffsetMinutes: 120,
      volumes: [
        { volume: 'D:', bitlocker: 'locked', keyId: '11111111-1111-1111-1111-111111111111', outcome: 'needs_attention' },
        { volume: 'C:', bitlocker: 'unlocked-by-bootmend', keyId: KEY_ID, outcome: 'fixed' },
      ],
      files: [file('C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys', 'quarantined'), file('C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-2.sys', 'left-alone')],
      safeBoot: { requested: 'clear', result: 'done' },
      outcome: 'needs_attention',
      startedAt: '2024-07-19T08:00:00Z',
      endedAt: '2024-07-19T08:04:00Z',
    };
    expect(prefillFromStick(result)).toEqual({ outcome: 'escalated', path: 'winre', filesRemoved: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys'], keyId: KEY_ID });
    expect(prefillFromStick({ ...result, outcome: 'fixed', environment: 'safemode' })).toMatchObject({ outcome: 'fixed', path: 'safe_mode' });
    // Until the technician records an outcome, the queue and the journal show the stick's own words beside the status.
    expect(stickSays({ outcome: null, stickResult: result })).toBe('stick: needs attention');
    expect(stickSays({ outcome: null, stickResult: { ...result, outcome: 'nothing_to_do' } })).toBe('stick: nothing to do');
    expect(stickSays({ outcome: 'escalated', stickResult: result })).toBeNull();
    expect(stickSays({ outcome: null, stickResult: null })).toBeNull();
  });

  it('counts the timer on while the machine is worked on, and stands still while paused', () => {
    const at = Date.parse('2024-07-19T08:10:00.000Z');
    const working = state({ status: 'in_progress', startedAt: '2024-07-19T08:01:00.000Z', secondsWorked: 120, lastEventAt: '2024-07-19T08:09:00.000Z' });
    expect(secondsWorkedAt(working, at)).toBe(180);
    expect(secondsWorkedAt({ ...working, status: 'paused' }, at)).toBe(120);
  });
});

describe('the queue', () => {
  it('finds a machine by its whole hostname, asset tag or serial, in any case', () => {
    const identity = { hostname: 'PC-BER-001', assetTag: 'A-1001', serial: 'SN123' };
    expect(matchesScan(identity, 'a-1001')).toBe(true);
    expect(matchesScan(identity, ' sn123 ')).toBe(true);
    expect(matchesScan(identity, 'PC-BER')).toBe(false);
    expect(matchesScan(identity, '')).toBe(false);
  });

  it('makes a new machine from a scanned asset tag, standing in for the hostname, with the chosen site', () => {
    expect(identityFromScan(' A-1001 ', 'assetTag', 'Berlin')).toEqual({ hostname: 'A-1001', assetTag: 'A-1001', site: 'Berlin' });
    expect(identityFromScan('PC-1', 'hostname', '')).toEqual({ hostname: 'PC-1' });
    expect(identityFromScan('x'.repeat(64), 'serial', null)).toBeNull();
    expect(scanProblem('x'.repeat(64))).toContain('64 characters');
    expect(scanProblem('  ')).toContain('Type or scan');
  });

  it('opens next the machine being worked on, then the oldest waiting, then one set aside; never a closed or handed-over one', () => {
    const a = state({ machineId: '00000000-0000-4000-8000-00000000000a', status: 'pending', addedAt: '2024-07-19T08:02:00Z' });
    const b = state({ machineId: '00000000-0000-4000-8000-00000000000b', status: 'pending', addedAt: '2024-07-19T08:01:00Z' });
    const c = state({ machineId: '00000000-0000-4000-8000-00000000000c', status: 'paused', addedAt: '2024-07-19T07:00:00Z' });
    const d = state({ machineId: '00000000-0000-4000-8000-00000000000d', status: 'needs_reimage' });
    const e = state({ machineId: '00000000-0000-4000-8000-00000000000e', status: 'in_progress', addedAt: '2024-07-19T09:00:00Z' });
    expect(pickNext([a, b, c, d, e])?.machineId).toBe(e.machineId);
    expect(pickNext([a, b, c, d, e], e.machineId)?.machineId).toBe(b.machineId);
    expect(pickNext([c, d])?.machineId).toBe(c.machineId);
    expect(pickNext([d])).toBeNull();
    // The queue's order is the order "next" takes them one after another, closed ones left out.
    expect(inNextOrder([a, b, c, d, e]).map((m) => m.machineId)).toEqual([e, b, a, c].map((m) => m.machineId));
  });

  it('orders 3,000 to-do machines as "next" would, one after another', () => {
    const statuses = ['pending', 'paused', 'in_progress', 'fixed', 'pending'] as const;
    const many = Array.from({ length: 3000 }, (_, i) =>
      state({ machineId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, status: statuses[(i * 7) % 5]!, addedAt: new Date(Date.UTC(2024, 6, 19, 8, (i * 37) % 600)).toISOString() }),
    );
    const ordered = inNextOrder(many);
    expect(ordered).toHaveLength(many.filter((m) => m.status !== 'fixed').length);
    let left = many;
    for (const machine of ordered.slice(0, 50)) {
      expect(pickNext(left)?.machineId).toBe(machine.machineId);
      left = left.filter((m) => m.machineId !== machine.machineId);
    }
  });
});
