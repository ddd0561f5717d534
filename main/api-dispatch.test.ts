import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { methodNames } from '../core/api/contract.js';
import type { WriteDrivesResult } from '../core/drives/write.js';
import { leftAs } from '../core/drives/write-rules.js';
import type { ProgressEvent } from '../core/progress.js';
import { createApi } from './api.js';

function api() {
  return createApi({ host: 'cli', dataDir: mkdtempSync(join(tmpdir(), 'bootmend-api-')), tools: [{ id: 'node', name: 'Node.js', purpose: 'test', commands: ['node'], versionArgs: ['--version'] }] });
}

describe('the local API dispatcher', () => {
  it('refuses a name that is not in the contract', async () => {
    const result = await api().dispatcher.call('deleteEverything', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) });
  });

  it.each(methodNames)('validates the input of %s before doing any work', async (name) => {
    const result = await api().dispatcher.call(name, { unexpected: true }, { jobId: 'job-validate-1' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
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

  it.skipIf(process.getuid?.() !== 0)('answers a cancelled drive write with what each drive was left as, not a bare CANCELLED (root: writes in-process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootmend-cancel-write-'));
    const image = join(dir, 'image.img');
    const target = join(dir, 'stick.img');
    writeFileSync(image, randomBytes(16 << 20));
    writeFileSync(target, Buffer.alloc(32 << 20));
    const { dispatcher } = api();
    let cancelled: unknown;
    const result = await dispatcher.call('writeDrives', { image, drives: [target] }, {
      jobId: 'job-write-cancel-1',
      onProgress: (event) => {
        if (event.phase === 'writing') cancelled ??= dispatcher.call('cancelJob', { jobId: 'job-write-cancel-1' });
      },
    });
    expect(await cancelled).toEqual({ ok: true, value: { cancelled: true } });
    expect(result.ok).toBe(true);
    const value = result.ok ? (result.value as WriteDrivesResult) : null;
    expect(value?.results[0]).toMatchObject({ device: target, outcome: 'cancelled', error: { code: 'CANCELLED' } });
    expect([leftAs.untouched, leftAs.partlyWritten, leftAs.writtenVerifyCancelled]).toContain(value?.results[0]?.leftAs);
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves settings and refuses a bad backend URL naming the field', async () => {
    const { dispatcher } = api();
    expect(await dispatcher.call('saveSettings', { technicianName: 'Ana', theme: 'dark' })).toMatchObject({ ok: true, value: { technicianName: 'Ana', theme: 'dark' } });
    const bad = await dispatcher.call('saveSettings', { backendUrl: 'ftp://helpdesk' });
    expect(bad).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', field: 'backendUrl' }) });
    expect(await dispatcher.call('getSettings', {})).toMatchObject({ ok: true, value: { technicianName: 'Ana', backendUrl: '' } });
  });

  it('turns an unexpected failure into a typed error without its details', async () => {
    const internal: string[] = [];
    const { dispatcher, handlers } = createApi({ host: 'cli', dataDir: mkdtempSync(join(tmpdir(), 'bootmend-api-')), onInternalError: (m) => internal.push(m) });
    handlers.getAppInfo = async () => {
      throw new Error('ENOSPC at /secret/path');
    };
    const result = await dispatcher.call('getAppInfo', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
    expect(JSON.stringify(result)).not.toContain('/secret/path');
    expect(internal).toEqual(['getAppInfo']);
  });

  it('lists drives through the same guard the writer obeys: the system disk is never selectable', async () => {
    const result = await api().dispatcher.call('listDrives', {});
    expect(result.ok).toBe(true);
    const drives = result.ok ? (result.value as { drives: { kind: string; selectable: boolean }[] }).drives : [];
    expect(drives.some((d) => d.kind === 'system')).toBe(true);
    expect(drives.filter((d) => d.kind === 'system').every((d) => !d.selectable)).toBe(true);
  });

  it('lists the built-in playbooks and the user folder', async () => {
    const result = await api().dispatcher.call('listPlaybooks', {});
    expect(result).toMatchObject({ ok: true, value: { refused: [], playbooks: [expect.objectContaining({ source: 'built-in' })] } });
  });
});
