import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MachineResult } from '../../core/playbooks/machine-result.js';
import { tempDir } from '../../test/temp.js';
import { FileJournal } from './journal.js';
import { machinesOf } from './machines.js';
import { recordEvent } from './record.js';

/** The snapshot beside a real journal file: a shortcut that is used only when it describes the file exactly. */

const result = (name: string): MachineResult => ({
  schemaVersion: 1,
  playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
  mediumId: 'stick-1',
  machine: { name, serial: null, manufacturer: 'Dell Inc.', model: 'Latitude 5440' },
  environment: 'winpe',
  utcOffsetMinutes: 0,
  volumes: [{ volume: 'C:', bitlocker: 'unlocked-by-bootmend', keyId: null, outcome: 'fixed' }],
  files: [],
  safeBoot: { requested: null, result: null },
  outcome: 'fixed',
  startedAt: '2024-07-19T08:00:00Z',
  endedAt: '2024-07-19T08:05:00Z',
});

/** Three machines on three paths, one with a stick result, one fixed: 14 events. */
async function fill(journal: FileJournal): Promise<string[]> {
  const ids: string[] = [];
  for (const [n, path] of (['winpe', 'winre', 'safe_mode'] as const).entries()) {
    const hostname = `PC-BER-00${n + 1}`;
    const added = await recordEvent(journal, { type: 'machine.added', source: 'scanned', machine: { hostname, site: 'Berlin' } }, 'Ana');
    const machineId = added.state.machineId;
    ids.push(machineId);
    await recordEvent(journal, { type: 'machine.path_chosen', path, machineId }, 'Ana');
    await recordEvent(journal, { type: 'machine.step_confirmed', path, step: 0, title: 'Step 1', machineId }, 'Ana');
    await recordEvent(journal, { type: 'machine.step_confirmed', path, step: 1, title: 'Step 2', machineId }, 'Ana');
    if (n === 0) await recordEvent(journal, { type: 'machine.result_read', resultKey: 'stick-1/PC-BER-001', file: 'PC-BER-001.json', result: result(hostname), machineId }, 'Ana');
  }
  await recordEvent(journal, { type: 'machine.outcome', outcome: 'fixed', machineId: ids[1]!, filesRemoved: ['C:\\x.sys'] }, 'Ana');
  return ids;
}

/** What a journal opened from the whole file says: the yardstick for one opened from a snapshot. */
async function fullRead(file: string) {
  const copy = join(tempDir('snapshot-yardstick'), 'events.ndjson');
  writeFileSync(copy, readFileSync(file));
  const journal = new FileJournal(copy);
  const index = machinesOf(journal);
  await index.load();
  expect(journal.lastOpen?.snapshot).toBe('absent');
  return { journal, index };
}

async function open(file: string) {
  const journal = new FileJournal(file);
  const index = machinesOf(journal);
  await index.load();
  return { journal, index };
}

describe('the journal snapshot', () => {
  it('reopens from the snapshot, replays only the events after it, and says the same as the whole file', async () => {
    const file = join(tempDir('snapshot'), 'events.ndjson');
    const writer = new FileJournal(file, { snapshotEvery: 5 });
    const machineIds = await fill(writer);
    await writer.close();
    // Two more after the snapshot, written by another process's journal (no snapshot of them).
    await new FileJournal(file, { snapshotEvery: 1000 }).append({ id: 'b7a0e1c2-0000-4000-8000-000000000001', type: 'note.other', at: '2024-07-19T09:00:00.000Z' });
    const reopened = await open(file);
    expect(reopened.journal.lastOpen).toEqual({ snapshot: 'used', replayed: 1 });
    const yardstick = await fullRead(file);
    expect(reopened.index.all()).toEqual(yardstick.index.all());
    for (const id of machineIds) expect(reopened.index.timeline(id)).toEqual(yardstick.index.timeline(id));
    expect(reopened.index.state(machineIds[0]!)?.stickResult?.machine.name).toBe('PC-BER-001');
    expect((await reopened.journal.events()).events).toEqual((await yardstick.journal.events()).events);
    expect(await reopened.journal.pendingSync()).toBe(15);
    expect((await reopened.journal.read({ type: 'machine.outcome' })).events).toHaveLength(1);
  });

  it('after an open from the snapshot: a known id is not saved again, seq goes on, the outbox and acknowledgements hold', async () => {
    const file = join(tempDir('snapshot'), 'events.ndjson');
    const writer = new FileJournal(file, { snapshotEvery: 5 });
    const machineIds = await fill(writer);
    await writer.close();
    const { journal } = await open(file);
    const first = (await fullRead(file)).journal;
    const known = (await first.events()).events[2]!;
    expect(await journal.appendStored({ id: known.id, type: 'x', at: known.at })).toEqual({ saved: false, event: known });
    const again = await recordEvent(journal, { type: 'machine.step_confirmed', path: 'winpe', step: 2, title: 'Step 3', machineId: machineIds[0]! }, 'Ana');
    expect(again.event.seq).toBe(15);
    expect(again.state.stepsConfirmed).toEqual([0, 1, 2]);
    const outbox = await journal.outbox();
    await journal.acknowledge(outbox.slice(0, 10).map((e) => e.id));
    expect((await journal.outbox()).map((e) => e.id)).toEqual(outbox.slice(10).map((e) => e.id));
    await journal.close();
    const later = await open(file);
    expect(later.journal.lastOpen?.snapshot).toBe('used');
    expect(await later.journal.pendingSync()).toBe(5);
    expect(later.index.state(machineIds[0]!)?.stepsConfirmed).toEqual([0, 1, 2]);
  });

  it('ignores a torn snapshot (crash while it was written) and opens from the whole file', async () => {
    const file = join(tempDir('snapshot'), 'events.ndjson');
    const writer = new FileJournal(file, { snapshotEvery: 5 });
    const machineIds = await fill(writer);
    await writer.close();
    const snapshot = `${file}.snapshot`;
    truncateSync(snapshot, Math.floor(readFileSync(snapshot).length / 2));
    const reopened = await open(file);
    expect(reopened.journal.lastOpen).toMatchObject({ snapshot: 'ignored', reason: expect.stringMatching(/checksum/) as unknown, replayed: 14 });
    expect(reopened.index.all()).toEqual((await fullRead(file)).index.all());
    expect(reopened.index.state(machineIds[1]!)?.status).toBe('fixed');
  });

  it('ignores a snapshot of other bytes than the journal holds (a line damaged since, a journal replaced)', async () => {
    const file = join(tempDir('snapshot'), 'events.ndjson');
    const writer = new FileJournal(file, { snapshotEvery: 5 });
    await fill(writer);
    await writer.close();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"title":"Step 2"', '"title":"Step 9"'));
    const damaged = await open(file);
    expect(damaged.journal.lastOpen).toMatchObject({ snapshot: 'ignored', reason: expect.stringMatching(/bytes are not the ones/) as unknown });
    expect((await damaged.journal.refresh()).damaged).toHaveLength(1);

    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('\n') + 1));
    const replaced = await open(file);
    expect(replaced.journal.lastOpen).toMatchObject({ snapshot: 'ignored', reason: expect.stringMatching(/shorter/) as unknown });
    expect(await replaced.journal.count()).toBe(1);
    rmSync(`${file}.snapshot`);
    expect((await open(file)).journal.lastOpen?.snapshot).toBe('absent');
  });
});
