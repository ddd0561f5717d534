import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineResultFixture as result } from '../../../core/playbooks/result-fixture.js';
import { tempDir } from '../../../test/temp.js';
import { main } from '../../cli.js';
import { createApi } from '../../api.js';

/** `bootmend journal ingest|export` end to end through main(): parsing, the local API, printing. */

interface Run {
  code: number;
  out: string;
  err: string;
}

async function bootmend(dataDir: string, ...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), tty: false };
  const code = await main([...args, '--data-dir', dataDir], io);
  return { code, out, err };
}

function stick(files: Record<string, unknown>): string {
  const root = tempDir('cli-stick');
  mkdirSync(join(root, 'bootmend', 'results'), { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(root, 'bootmend', 'results', name), typeof body === 'string' ? body : JSON.stringify(body));
  return root;
}

describe('bootmend journal ingest', () => {
  it('reads a stick, prints the summary sentence, and reads it again as nothing new', async () => {
    const dataDir = tempDir('cli-journal');
    const root = stick({ 'a.json': result('PC-A', 'fixed'), 'b.json': result('PC-B', 'fixed'), 'c.json': result('PC-C', 'needs_attention') });
    const first = await bootmend(dataDir, 'journal', 'ingest', root);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toBe(`3 machines: 2 fixed, 1 needs attention.\nRead 3 result files from ${join(root, 'bootmend', 'results')}.\n`);
    const again = await bootmend(dataDir, 'journal', 'ingest', root, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ machines: 3, alreadyRecorded: 3, rejected: [] });
  });

  it('exits 2 when a file is rejected (naming it), 1 when the folder has no results, 64 without a folder', async () => {
    const dataDir = tempDir('cli-journal');
    const some = await bootmend(dataDir, 'journal', 'ingest', stick({ 'a.json': result('PC-A', 'fixed'), 'bad.json': '{' }));
    expect(some.code).toBe(2);
    expect(some.out).toMatch(/^1 machine: 1 fixed \(1 file rejected\)\.\n/);
    expect(some.out).toContain('rejected bad.json: it is not JSON');
    const none = await bootmend(dataDir, 'journal', 'ingest', tempDir('not-a-stick'));
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/has no bootmend\\results folder/);
    expect((await bootmend(dataDir, 'journal', 'ingest')).code).toBe(64);
  });
});

describe('bootmend journal export', () => {
  async function journalWithTwoSites(): Promise<string> {
    const dataDir = tempDir('cli-journal');
    const api = createApi({ host: 'cli', dataDir, vaultAutoLockMinutes: null });
    for (const [hostname, site] of [['PC-BER-1', 'Berlin'], ['PC-MUC-1', 'Munich']] as const) {
      const added = await api.dispatcher.call('recordEvent', { type: 'machine.added', source: 'typed', machine: { hostname, site } });
      if (!added.ok) throw new Error(added.error.message);
    }
    return dataDir;
  }

  it('writes CSV to a file with --out, filtered by --site, and prints JSON rows to stdout', async () => {
    const dataDir = await journalWithTwoSites();
    const out = join(tempDir('cli-export'), 'berlin.csv');
    const written = await bootmend(dataDir, 'journal', 'export', '--format', 'csv', '--site', 'Berlin', '--out', out);
    expect(written).toMatchObject({ code: 0, out: `Wrote 1 machine to ${out}.\n` });
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^PC-BER-1,,,Berlin,pending,/);
    const json = await bootmend(dataDir, 'journal', 'export', '--format', 'json', '--since', '2024-07-19');
    expect((JSON.parse(json.out) as { hostname: string }[]).map((r) => r.hostname)).toEqual(['PC-BER-1', 'PC-MUC-1']);
    const events = await bootmend(dataDir, 'journal', 'export', '--format', 'ndjson', '--events');
    expect(events.out.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['machine.added', 'machine.added']);
  });

  it('refuses a missing or unknown --format and a --since that is not a date (exit 64)', async () => {
    const dataDir = tempDir('cli-journal');
    expect(await bootmend(dataDir, 'journal', 'export')).toMatchObject({ code: 64, err: expect.stringContaining('--format csv, json or ndjson') });
    expect((await bootmend(dataDir, 'journal', 'export', '--format', 'xml')).code).toBe(64);
    expect(await bootmend(dataDir, 'journal', 'export', '--format', 'csv', '--since', 'yesterday')).toMatchObject({ code: 64, err: expect.stringContaining('--since must be an ISO date') });
  });
});
