import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MachineList } from '../../../core/journal/schemas.js';
import { fakeClient } from '../../state/fake-client.js';
import { OPEN_STATUSES, useJournal } from './store.js';
import { eventLine, workedTime } from './words.js';

const EMPTY: MachineList = {
  machines: [],
  counts: { pending: 0, in_progress: 0, paused: 0, fixed: 0, nothing_to_do: 0, needs_reimage: 0, escalated: 0, failed: 0 },
  sites: [],
  damagedLines: 0,
};

afterEach(() => {
  useJournal.setState({ list: null, listError: null, filters: { status: 'all', site: '', q: '' }, selectedId: null, detail: null, exporting: null, exportError: null });
  vi.useRealTimers();
});

describe('the Journal screen store', () => {
  it('asks the journal for what the filters say: open = every status still waiting for someone, a search after a pause in typing', async () => {
    vi.useFakeTimers();
    const fake = fakeClient({ listMachines: () => EMPTY });
    useJournal.getState().setFilters(fake, { status: 'open', site: 'Berlin' });
    await vi.runAllTimersAsync();
    expect(fake.calls.at(-1)).toEqual({ name: 'listMachines', input: { status: OPEN_STATUSES, site: 'Berlin' } });
    useJournal.getState().setFilters(fake, { q: 'P' });
    useJournal.getState().setFilters(fake, { q: 'PC-1 ' });
    await vi.runAllTimersAsync();
    expect(fake.calls.filter((c) => c.name === 'listMachines')).toHaveLength(2);
    expect(fake.calls.at(-1)?.input).toEqual({ status: OPEN_STATUSES, site: 'Berlin', q: 'PC-1' });
  });

  it('exports for the chosen site and hands the file to save; a failure is a sentence on the screen', async () => {
    const saved: string[] = [];
    const fake = fakeClient({ exportJournal: (input) => ({ format: input.format, rows: 1, text: 'hostname\r\n', fileName: `x.${input.format}` }) });
    useJournal.setState({ filters: { status: 'all', site: 'Munich', q: '' } });
    await useJournal.getState().exportAs(fake, 'events', (name, _text, type) => saved.push(`${name} ${type}`));
    expect(fake.calls[0]).toEqual({ name: 'exportJournal', input: { format: 'ndjson', events: true, site: 'Munich' } });
    expect(saved).toEqual(['x.ndjson application/json']);
    await useJournal.getState().exportAs(fakeClient({}), 'csv', () => undefined);
    expect(useJournal.getState()).toMatchObject({ exporting: null, exportError: 'exportJournal is not faked in this test.' });
  });
});

describe('Journal words', () => {
  it('words time spent and timeline events', () => {
    expect([0, 42, 60, 75, 3700].map(workedTime)).toEqual(['—', '42 s', '1 min', '1 min 15 s', '1 h 1 min']);
    expect(eventLine({ type: 'machine.step_confirmed', step: 2, title: 'Remove the file' })).toBe('Step 3 confirmed: Remove the file');
    expect(eventLine({ type: 'machine.outcome', outcome: 'needs_reimage', notes: 'Disk errors' })).toBe('Outcome: Needs reimage — Disk errors');
    expect(eventLine({ type: 'key.revealed', keyId: '5A8E2F4C-1B3D', reason: 'Recovery screen' })).toBe('Recovery key 5A8E2F4C… revealed (Recovery screen)');
  });
});
