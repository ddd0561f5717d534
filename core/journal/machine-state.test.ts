import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MachineResult } from '../playbooks/machine-result.js';
import { applyMachineEvent, deriveMachineStates, foldMachines, machineState, refuseEvent, type MachineEvent, type MachineFold } from './machine-state.js';
import { RecoveryEventSchema, type MachineState, type RecoveryEventBody } from './schemas.js';

const M1 = '11111111-1111-4111-8111-111111111111';
const M2 = '22222222-2222-4222-8222-222222222222';
const KEY = '5A8E2F4C-1B3D-4E6F-8A9B-0C1D2E3F4A5B';
const T0 = Date.parse('2024-07-19T08:00:00.000Z');

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A journal's worth of events: seq and id from the position, a time `seconds` after 08:00. */
function journal(...steps: [seconds: number, body: RecoveryEventBody, machineId?: string][]): MachineEvent[] {
  return steps.map(([seconds, body, machineId = M1], i) =>
    RecoveryEventSchema.parse({
      id: uuid(i + 1),
      seq: i + 1,
      at: new Date(T0 + seconds * 1000).toISOString(),
      technician: 'Ana',
      machineId,
      machine: { hostname: machineId === M1 ? 'PC-BER-001' : 'PC-BER-002', site: 'Berlin' },
      ...body,
    }),
  );
}

const state = (events: MachineEvent[], id = M1): MachineState => {
  const s = deriveMachineStates(events).get(id);
  if (!s) throw new Error(`no state for ${id}`);
  return s;
};

const added: RecoveryEventBody = { type: 'machine.added', source: 'scanned' };
const winre: RecoveryEventBody = { type: 'machine.path_chosen', path: 'winre' };
const step = (n: number, path: 'winpe' | 'winre' | 'safe_mode' = 'winre'): RecoveryEventBody => ({ type: 'machine.step_confirmed', path, step: n, title: `Step ${n}` });
const outcome = (o: 'fixed' | 'nothing_to_do' | 'needs_reimage' | 'escalated' | 'failed', extra: object = {}): RecoveryEventBody =>
  ({ type: 'machine.outcome', outcome: o, filesRemoved: [], ...extra }) as RecoveryEventBody;

function stickResult(outcomeWord: MachineResult['outcome'], endedAt = '2024-07-19T09:00:00Z'): MachineResult {
  return {
    schemaVersion: 1,
    playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
    mediumId: 'm1',
    machine: { name: 'PC-BER-001', serial: 'SN1', manufacturer: null, model: null },
    environment: 'winpe',
    utcOffsetMinutes: 0,
    volumes: [{ volume: 'C:', bitlocker: 'unlocked-by-bootmend', keyId: KEY, outcome: 'fixed' }],
    files: [
      {
        volume: 'C:',
        path: 'C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys',
        targetId: 't',
        sizeBytes: 10,
        modifiedUtc: null,
        checks: { modifiedUtc: 'pass', sizeBytes: 'not-required', leadingBytes: 'pass', sha256: 'not-required' },
        action: 'quarantined',
        quarantinePath: null,
        note: null,
      },
    ],
    safeBoot: { requested: null, result: null },
    outcome: outcomeWord,
    startedAt: '2024-07-19T08:59:00Z',
    endedAt,
  };
}

describe('a machine as its events make it', () => {
  it('walks from queued to fixed: path, steps, outcome, and the minutes worked', () => {
    const events = journal([0, added], [60, winre], [120, step(0)], [180, step(1)], [300, outcome('fixed', { notes: 'booted', filesRemoved: ['C:\\x.sys'], keyId: KEY })]);
    expect(state(events.slice(0, 1))).toMatchObject({ status: 'pending', path: null, startedAt: null, secondsWorked: 0, openFor: 'technician', timerRunning: false });
    expect(state(events.slice(0, 3))).toMatchObject({ status: 'in_progress', path: 'winre', stepsConfirmed: [0], secondsWorked: 60, timerRunning: true });
    expect(state(events)).toMatchObject({
      status: 'fixed',
      outcome: 'fixed',
      outcomeEventId: uuid(5),
      startedAt: '2024-07-19T08:01:00.000Z',
      endedAt: '2024-07-19T08:05:00.000Z',
      secondsWorked: 240,
      notes: 'booted',
      filesRemoved: ['C:\\x.sys'],
      keyIdUsed: KEY,
      openFor: null,
      timerRunning: false,
      eventCount: 5,
    });
  });

  it('does not count the time a machine was paused, and resumes at the same step', () => {
    const events = journal([0, added], [10, winre], [20, step(0)], [30, { type: 'machine.paused' }], [3630, { type: 'machine.resumed' }], [3650, step(1)]);
    expect(state(events.slice(0, 4))).toMatchObject({ status: 'paused', stepsConfirmed: [0], secondsWorked: 20, timerRunning: false });
    expect(state(events)).toMatchObject({ status: 'in_progress', stepsConfirmed: [0, 1], secondsWorked: 40 });
  });

  it('keeps steps per path: switching paths shows the new path\u2019s steps, switching back shows the old ones again', () => {
    const events = journal([0, added], [1, winre], [2, step(0)], [3, step(1)], [4, { type: 'machine.path_chosen', path: 'safe_mode' }], [5, step(0, 'safe_mode')]);
    expect(state(events)).toMatchObject({ path: 'safe_mode', stepsConfirmed: [0] });
    expect(state(journal(...events.map((e, i) => [i, e as RecoveryEventBody] as [number, RecoveryEventBody]), [9, winre]))).toMatchObject({ path: 'winre', stepsConfirmed: [0, 1] });
  });

  it('undo takes the latest outcome back: the machine is in progress again and the timer runs', () => {
    const events = journal([0, added], [10, winre], [70, outcome('fixed')], [80, { type: 'machine.outcome_undone', undoes: uuid(3) }], [100, step(2)]);
    expect(state(events.slice(0, 4))).toMatchObject({ status: 'in_progress', outcome: null, outcomeEventId: null, endedAt: null, timerRunning: true, secondsWorked: 60 });
    expect(state(events)).toMatchObject({ status: 'in_progress', secondsWorked: 80 });
  });

  it('undo of an outcome that is not the latest changes nothing', () => {
    const events = journal([0, added], [1, winre], [2, outcome('failed')], [3, outcome('fixed')], [4, { type: 'machine.outcome_undone', undoes: uuid(3) }]);
    expect(state(events)).toMatchObject({ status: 'fixed', outcomeEventId: uuid(4) });
  });

  it('needs_reimage (and escalated) keep the machine open for the helpdesk; failed stays with the technician', () => {
    expect(state(journal([0, added], [1, winre], [2, outcome('needs_reimage')]))).toMatchObject({ status: 'needs_reimage', openFor: 'helpdesk' });
    expect(state(journal([0, added], [1, outcome('escalated')]))).toMatchObject({ openFor: 'helpdesk' });
    expect(state(journal([0, added], [1, winre], [2, outcome('failed')]))).toMatchObject({ openFor: 'technician' });
    expect(state(journal([0, added], [1, outcome('nothing_to_do')]))).toMatchObject({ openFor: null });
  });

  it('a stick result pre-fills files removed and the key ID, and the latest run wins', () => {
    const events = journal([0, added], [1, { type: 'machine.result_read', resultKey: 'k1', file: 'a.json', result: stickResult('fixed', '2024-07-19T09:00:00Z') }]);
    expect(state(events)).toMatchObject({
      status: 'pending',
      outcome: null,
      filesRemoved: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-1.sys'],
      keyIdUsed: KEY,
      stickResult: { outcome: 'fixed' },
    });
    const older = journal(
      [0, added],
      [1, { type: 'machine.result_read', resultKey: 'k2', file: 'b.json', result: stickResult('fixed', '2024-07-19T09:00:00Z') }],
      [2, { type: 'machine.result_read', resultKey: 'k1', file: 'a.json', result: stickResult('failed', '2024-07-19T07:00:00Z') }],
    );
    expect(state(older).stickResult?.outcome).toBe('fixed');
  });

  it('the reveal audit for this machine names the key ID used', () => {
    const events: MachineEvent[] = [
      ...journal([0, added], [1, winre]),
      { id: uuid(3), seq: 3, type: 'key.revealed', at: '2024-07-19T08:00:05.000Z', keyId: KEY, device: null, machine: 'PC-BER-001', technician: 'Ana', reason: 'r', machineId: M1 },
    ];
    expect(state(events)).toMatchObject({ keyIdUsed: KEY, keyIdRevealed: KEY, eventCount: 3 });
    // A reveal for no journal machine makes none.
    expect(deriveMachineStates([{ ...events[2]!, machineId: M2 } as MachineEvent]).size).toBe(0);
  });
});

describe('the outcome rules, checked before an event is written', () => {
  const pending = state(journal([0, added]));
  it('refuses fixed without a path chosen, with a sentence naming the machine', () => {
    expect(refuseEvent(pending, outcome('fixed'), true)).toEqual({
      code: 'INVALID_INPUT',
      field: 'outcome',
      message: 'PC-BER-001 cannot be recorded as fixed before a recovery path is chosen (Bootmend stick, WinRE or Safe Mode) or a stick result says it was fixed.',
    });
  });
  it('accepts fixed with a path chosen, a path named on the outcome, or a stick result saying fixed', () => {
    expect(refuseEvent(state(journal([0, added], [1, winre])), outcome('fixed'), true)).toBeNull();
    expect(refuseEvent(pending, outcome('fixed', { path: 'safe_mode' }), true)).toBeNull();
    const stick = state(journal([0, added], [1, { type: 'machine.result_read', resultKey: 'k', file: 'a.json', result: stickResult('fixed') }]));
    expect(refuseEvent(stick, outcome('fixed'), true)).toBeNull();
    const stickFailed = state(journal([0, added], [1, { type: 'machine.result_read', resultKey: 'k', file: 'a.json', result: stickResult('failed') }]));
    expect(refuseEvent(stickFailed, outcome('fixed'), true)?.field).toBe('outcome');
  });
  it('accepts every other outcome without a path (nothing to do, needs reimage, escalated, failed)', () => {
    for (const o of ['nothing_to_do', 'needs_reimage', 'escalated', 'failed'] as const) expect(refuseEvent(pending, outcome(o), true)).toBeNull();
  });
  it('refuses an event for a machine the journal does not have, and a second add of the same id', () => {
    expect(refuseEvent(undefined, winre, true)).toMatchObject({ code: 'NOT_FOUND' });
    expect(refuseEvent(undefined, winre, false)).toMatchObject({ code: 'INVALID_INPUT', field: 'machineId' });
    expect(refuseEvent(pending, added, true)).toMatchObject({ code: 'INVALID_INPUT', field: 'machineId' });
    expect(refuseEvent(undefined, added, false)).toBeNull();
  });
  it('refuses a step of another path than the chosen one, pausing twice, resuming what is not paused, and undoing what is not the latest outcome', () => {
    const onWinre = state(journal([0, added], [1, winre]));
    expect(refuseEvent(onWinre, step(0, 'safe_mode'), true)?.message).toBe('PC-BER-001 is on the path through the WinRE command prompt; choose Safe Mode before confirming its steps.');
    const paused = state(journal([0, added], [1, winre], [2, { type: 'machine.paused' }]));
    expect(refuseEvent(paused, { type: 'machine.paused' }, true)?.message).toBe('PC-BER-001 is already paused.');
    expect(refuseEvent(onWinre, { type: 'machine.resumed' }, true)?.message).toBe('PC-BER-001 is not paused (it is in progress).');
    expect(refuseEvent(onWinre, { type: 'machine.outcome_undone', undoes: uuid(9) }, true)?.message).toBe('PC-BER-001 has no outcome to undo.');
    const fixed = state(journal([0, added], [1, winre], [2, outcome('fixed')]));
    expect(refuseEvent(fixed, { type: 'machine.outcome_undone', undoes: uuid(9) }, true)?.message).toBe("Only PC-BER-001's latest outcome (fixed) can be undone.");
    expect(refuseEvent(fixed, { type: 'machine.outcome_undone', undoes: uuid(3) }, true)).toBeNull();
    expect(refuseEvent(fixed, { type: 'machine.paused' }, true)?.message).toMatch(/already has an outcome \(fixed\)/);
  });
});

// ---------------------------------------------------------------------------------------
// Properties: random journals over two machines.

const bodyArb: fc.Arbitrary<RecoveryEventBody> = fc.oneof(
  fc.constantFrom<RecoveryEventBody>(
    { type: 'machine.path_chosen', path: 'winpe' },
    { type: 'machine.path_chosen', path: 'winre' },
    { type: 'machine.path_chosen', path: 'safe_mode' },
    { type: 'machine.paused' },
    { type: 'machine.resumed' },
    { type: 'machine.identity_changed' },
  ),
  fc.record({ path: fc.constantFrom('winpe' as const, 'winre' as const, 'safe_mode' as const), step: fc.integer({ min: 0, max: 6 }) }).map(({ path, step: n }) => step(n, path)),
  fc.constantFrom('fixed' as const, 'nothing_to_do' as const, 'needs_reimage' as const, 'escalated' as const, 'failed' as const).map((o) => outcome(o)),
  fc.integer({ min: 1, max: 40 }).map((n): RecoveryEventBody => ({ type: 'machine.outcome_undone', undoes: uuid(n) })),
);

const journalArb = fc
  .array(fc.record({ body: bodyArb, machine: fc.constantFrom(M1, M2), gap: fc.integer({ min: 0, max: 600 }) }), { maxLength: 38 })
  .map((steps) => {
    let t = 0;
    return journal(
      [0, added, M1],
      [0, added, M2],
      ...steps.map(({ body, machine, gap }): [number, RecoveryEventBody, string] => {
        t += gap;
        return [t, body, machine];
      }),
    );
  });

describe('properties of the derivation', () => {
  it('replays in seq order whatever the array order', () => {
    fc.assert(
      fc.property(journalArb, fc.integer(), (events, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { numRuns: 1, seed })[0]!;
        expect(deriveMachineStates(shuffled)).toEqual(deriveMachineStates(events));
      }),
      { numRuns: 200 },
    );
  });

  it('applying events one at a time (the journal index) equals deriving them all at once', () => {
    fc.assert(
      fc.property(journalArb, (events) => {
        const folds = new Map<string, MachineFold>();
        for (const event of events) {
          const next = applyMachineEvent(folds.get(event.machineId!), event);
          if (next) folds.set(event.machineId!, next);
        }
        for (const [id, fold] of folds) expect(machineState(fold)).toEqual(deriveMachineStates(events).get(id));
      }),
      { numRuns: 200 },
    );
  });

  it('a delivered-twice event changes nothing (seq not above the last applied is ignored)', () => {
    fc.assert(
      fc.property(journalArb, (events) => {
        const folds = foldMachines(events);
        const again = foldMachines([...events, ...events]);
        expect([...again.entries()].map(([id, f]) => [id, machineState(f)])).toEqual([...folds.entries()].map(([id, f]) => [id, machineState(f)]));
      }),
      { numRuns: 100 },
    );
  });

  it('time worked never exceeds the time between the first and the last event, and status matches the outcome', () => {
    fc.assert(
      fc.property(journalArb, (events) => {
        for (const s of deriveMachineStates(events).values()) {
          const span = (Date.parse(s.lastEventAt) - Date.parse(s.addedAt)) / 1000;
          expect(s.secondsWorked).toBeLessThanOrEqual(span);
          expect(s.outcome === null ? ['pending', 'in_progress', 'paused'] : [s.outcome]).toContain(s.status);
          if (s.path !== null) expect(s.stepsConfirmed).toEqual([...new Set(s.stepsConfirmed)].sort((a, b) => a - b));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an outcome followed by its undo leaves the machine as before, apart from the clock', () => {
    fc.assert(
      fc.property(journalArb, fc.constantFrom('fixed' as const, 'failed' as const, 'needs_reimage' as const), (events, o) => {
        const before = state(events);
        const seq = events.at(-1)!.seq;
        // At the machine's own last event's time, so no running timer adds seconds.
        const base = { technician: 'Ana', machineId: M1, machine: { hostname: 'PC-BER-001', site: 'Berlin' }, at: before.lastEventAt };
        const withOutcome = [...events, RecoveryEventSchema.parse({ ...base, id: uuid(seq + 1), seq: seq + 1, ...outcome(o, { path: 'winre' }) })];
        const undone = [...withOutcome, RecoveryEventSchema.parse({ ...base, id: uuid(seq + 2), seq: seq + 2, type: 'machine.outcome_undone', undoes: uuid(seq + 1) })];
        const after = state(undone);
        const strip = (s: MachineState) => ({ ...s, eventCount: 0, lastEventAt: '', technician: '', path: null, stepsConfirmed: [], startedAt: null });
        expect(strip(after)).toEqual(strip(before));
      }),
      { numRuns: 200 },
    );
  });
});
