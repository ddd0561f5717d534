import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { methodNames } from '../core/api/contract.js';
import type { DriveSnapshotInput } from '../core/drives/drives.js';
import linuxLaptop from '../core/drives/fixtures/linux-laptop.json' with { type: 'json' };
import type { ProgressEvent } from '../core/progress.js';
import { tempDir } from '../test/temp.js';
import { createApi } from './api.js';
import { dataFiles } from './services/data-folder.js';

// listDrives classifies a recorded laptop (core/drives/fixtures/linux-laptop.json) instead of
// this host, whose disks are whatever the test machine has (a container may have none).
vi.mock('./drives/list.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./drives/list.js')>();
  return { ...real, listDrives: (options: Parameters<typeof real.listDrives>[0] = {}) => real.listDrives({ ...options, snapshot: linuxLaptop as DriveSnapshotInput }) };
});

function api(dataDir = tempDir('api')) {
  return createApi({ host: 'cli', dataDir, tools: [{ id: 'node', name: 'Node.js', purpose: 'test', commands: ['node'], versionArgs: ['--version'] }] });
}

/** Every file and folder below `dir`, sorted. */
const everything = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe('the local API dispatcher', () => {
  it('refuses a name that is not in the contract', async () => {
    const result = await api().dispatcher.call('deleteEverything', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) });
  });

  it.each(methodNames)('refuses input of the wrong shape for %s', async (name) => {
    const result = await api().dispatcher.call(name, { unexpected: true }, { jobId: 'job-validate-1' });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
  });

  // That the dispatcher never calls a handler with invalid input is core/api/dispatcher.test.ts's
  // (with a spy); here, real handlers whose work would show: nothing is written.
  it('validates before doing any work: a bad field beside good ones saves no settings and writes no payload', async () => {
    const dataDir = tempDir('api');
    const out = join(tempDir('api-out'), 'stick');
    const { dispatcher } = api(dataDir);
    const before = everything(dataDir);

    const settings = await dispatcher.call('saveSettings', { technicianName: 'Ana', lastScreen: 'keys' });
    expect(settings).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
    const payload = await dispatcher.call('buildPayload', { playbook: 'crowdstrike-cf291', out, overwrite: 'yes' });
    expect(payload).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', field: 'overwrite' }) });
    expect(everything(dataDir)).toEqual(before);
    expect(existsSync(out)).toBe(false);
    expect(await dispatcher.call('getSettings', {})).toMatchObject({ ok: true, value: { technicianName: '' } });

    // The same calls with valid input do write, where the checks above look.
    expect(await dispatcher.call('saveSettings', { technicianName: 'Ana' })).toMatchObject({ ok: true });
    expect(existsSync(dataFiles(dataDir).settings)).toBe(true);
    expect(await dispatcher.call('buildPayload', { playbook: 'crowdstrike-cf291', out })).toMatchObject({ ok: true });
    expect(existsSync(join(out, 'bootmend', 'fix.cmd'))).toBe(true);
  });

  it('answers with values that match the contract', async () => {
    const { dispatcher } = api();
    const info = await dispatcher.call('getAppInfo', {});
    expect(info).toEqual({ ok: true, value: expect.objectContaining({ name: 'Bootmend', host: 'cli' }) });
  });

  it('streams progress for a long job and reports each step', async () => {
    const events: ProgressEvent[] = [];
    const result = await api().dispatcher.call('checkTools', {}, { jobId: 'job-tools-1', onProgress: (e) => events.push(e) });
    expect(result.ok).toBe(true);
    expect(events.at(-1)).toMatchObject({ jobId: 'job-tools-1', fraction: 1 });
    expect(result.ok && (result.value as { tools: { found: boolean }[] }).tools[0]?.found).toBe(true);
  });

  it('needs a job id for a streaming method', async () => {
    const result = await api().dispatcher.call('checkTools', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
  });

  it('cancels a running job by id', async () => {
    const { dispatcher } = api();
    let cancelled: unknown;
    const running = dispatcher.call('checkTools', {}, {
      jobId: 'job-cancel-1',
      onProgress: () => {
        cancelled ??= dispatcher.call('cancelJob', { jobId: 'job-cancel-1' });
      },
    });
    const result = await running;
    expect(await cancelled).toEqual({ ok: true, value: { cancelled: true } });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'CANCELLED' }) });
    expect(await dispatcher.call('cancelJob', { jobId: 'job-cancel-1' })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('saves settings and refuses a bad backend URL naming the field', async () => {
    const { dispatcher } = api();
    expect(await dispatcher.call('saveSettings', { technicianName: 'Ana', theme: 'dark' })).toMatchObject({ ok: true, value: { technicianName: 'Ana', theme: 'dark' } });
    const bad = await dispatcher.call('saveSettings', { backendUrl: 'ftp://helpdesk' });
    expect(bad).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', field: 'backendUrl' }) });
    expect(await dispatcher.call('getSettings', {})).toMatchObject({ ok: true, value: { technicianName: 'Ana', backendUrl: '' } });
  });

  it('changes only the settings a save names: the theme or the Graph set-up alone keeps the technician name and backend URL', async () => {
    const { dispatcher } = api();
    await dispatcher.call('saveSettings', { technicianName: 'Ana', backendUrl: 'https://helpdesk.example.org' });
    expect(await dispatcher.call('saveSettings', { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark', technicianName: 'Ana', backendUrl: 'https://helpdesk.example.org' } });
    const graph = { tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555' };
    expect(await dispatcher.call('saveSettings', { graph })).toMatchObject({ ok: true, value: { theme: 'dark', technicianName: 'Ana', graph } });
    expect(await dispatcher.call('saveSettings', { graph: null })).toEqual({ ok: true, value: { theme: 'dark', technicianName: 'Ana', backendUrl: 'https://helpdesk.example.org' } });
  });

  it('turns an unexpected failure into a typed error without its details', async () => {
    const internal: string[] = [];
    const { dispatcher, handlers } = createApi({ host: 'cli', dataDir: tempDir('api'), onInternalError: (m) => internal.push(m) });
    handlers.getAppInfo = async () => {
      throw new Error('ENOSPC at /secret/path');
    };
    const result = await dispatcher.call('getAppInfo', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
    expect(JSON.stringify(result)).not.toContain('/secret/path');
    expect(internal).toEqual(['getAppInfo']);
  });

  it('lists drives through the same guard the writer obeys: on a recorded laptop, the system disk is never selectable', async () => {
    const result = await api().dispatcher.call('listDrives', {});
    expect(result.ok).toBe(true);
    const drives = result.ok ? (result.value as { drives: { device: string; kind: string; selectable: boolean }[] }).drives : [];
    expect(drives.map((d) => [d.device, d.kind, d.selectable])).toEqual([
      ['/dev/mmcblk0', 'sd-card', true],
      ['/dev/nvme0n1', 'system', false],
      ['/dev/sda', 'usb-stick', true],
    ]);
  });

  it('lists the built-in playbooks and the user folder', async () => {
    const result = await api().dispatcher.call('listPlaybooks', {});
    expect(result).toMatchObject({ ok: true, value: { refused: [], playbooks: [expect.objectContaining({ source: 'built-in' })] } });
  });
});
