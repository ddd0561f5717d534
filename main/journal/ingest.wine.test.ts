import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import type { MethodOutput } from '../../core/api/contract.js';
import { tempDir } from '../../test/temp.js';
import { requireTools } from '../../test/tools.js';
import { createApi } from '../api.js';
import { WINE_TOOLS, type FakeFile } from '../payload/testing/wine-harness.js';
import { wineBoxPerFile } from '../../test/wine-box.js';

/*
 * Result files written by the real fix.cmd (run under Wine's cmd.exe: Windows emulated, its
 * tools stand-ins, as in main/payload/fix-cmd.wine.test.ts), read into the journal twice:
 * one record per result file, whatever the number of reads.
 */
const wine = requireTools(WINE_TOOLS, { for: 'ingesting fix.cmd results written under Wine' });

const CS = 'Windows\\System32\\drivers\\CrowdStrike';
const MAGIC = Buffer.from('AAAAAAAA01002301', 'hex');
const channelFile = (name: string, modified: string): FakeFile => ({ path: `${CS}\\${name}`, content: Buffer.concat([MAGIC, Buffer.from(name)]), modified });

wine.describe('journal ingest of results fix.cmd wrote (Wine; Windows emulated, tools are stand-ins)', () => {
  const box = wineBoxPerFile();

  it('reads a fixed and a nothing-to-do run from one stick twice: one record each', async () => {
    const fixed = await box().runFix({ args: ['/unattended'], volumes: { D: { files: [channelFile('C-00000291-00000000-00000032.sys', '2024-07-19T04:09:00Z')] } } });
    const nothing = await box().runFix({ args: ['/unattended'], volumes: { D: { files: [channelFile('C-00000291-00000000-00000033.sys', '2024-07-19T05:27:00Z')] } } });
    expect(fixed.results.map((r) => r.outcome)).toEqual(['fixed']);
    expect(nothing.results.map((r) => r.outcome)).toEqual(['nothing_to_do']);

    // One stick that went from PC to PC: both result files in its bootmend\results.
    const stick = tempDir('wine-stick');
    mkdirSync(join(stick, 'bootmend', 'results'), { recursive: true });
    for (const file of [...fixed.resultPaths, ...nothing.resultPaths]) copyFileSync(file, join(stick, 'bootmend', 'results', `${basename(file, '.json')}-${Math.random().toString(36).slice(2, 6)}.json`));

    const api = createApi({ host: 'cli', dataDir: tempDir('wine-journal'), vaultAutoLockMinutes: null });
    const ingest = async (): Promise<MethodOutput<'ingestResults'>> => {
      const envelope = await api.dispatcher.call('ingestResults', { path: stick }, { jobId: `wine-ingest-${Date.now()}` });
      if (!envelope.ok) throw new Error(envelope.error.message);
      return envelope.value as MethodOutput<'ingestResults'>;
    };
    const first = await ingest();
    expect(first).toMatchObject({ filesRead: 2, rejected: [], alreadyRecorded: 0 });
    const second = await ingest();
    expect(second).toMatchObject({ filesRead: 2, rejected: [], alreadyRecorded: 2, machines: first.machines, byOutcome: first.byOutcome });

    const lines = readFileSync(api.services.files.journal, 'utf8').trim().split('\n');
    const reads = lines.filter((l) => l.includes('"type":"machine.result_read"'));
    expect(reads).toHaveLength(2);
    const list = await api.dispatcher.call('listMachines', {});
    if (!list.ok) throw new Error(list.error.message);
    const machines = (list.value as MethodOutput<'listMachines'>).machines;
    // Wine names every run's PC after this host: both results join one machine, the later run pre-filling it.
    expect(machines.map((m) => m.machine.hostname)).toEqual([fixed.results[0]!.machine.name]);
    expect(machines[0]!.stickResult?.outcome).toBe('nothing_to_do');
    expect(machines[0]!.eventCount).toBe(3);
    expect(first.sentence).toBe('1 machine: 1 nothing to do');
  }, 180_000);
});
