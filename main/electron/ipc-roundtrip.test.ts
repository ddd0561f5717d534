import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contract, methodNames } from '../../core/api/contract.js';
import type { Envelope, ProgressListener } from '../../core/api/envelope.js';
import type { ProgressEvent } from '../../core/progress.js';
import { createApi } from '../api.js';
import type { Dispatcher } from '../../core/api/dispatcher.js';
import { buildBridge, type BridgeIpc } from './bridge.js';
import { startElectronHost } from './host.js';
import { connectRenderer, createElectronStandIn, createRecordingDispatcher } from '../../test/electron-stand-in.js';

type Loose = Record<string, (input: unknown, jobId?: string, onProgress?: ProgressListener) => Promise<Envelope>>;

const dataDir = mkdtempSync(join(tmpdir(), 'bootmend-roundtrip-'));
/** The pinned Electron, from package.json (the one place it is written). */
const ELECTRON_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { optionalDependencies: { electron: string } }).optionalDependencies.electron;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Host + bridge joined by a stand-in ipcRenderer <-> ipcMain pair (no Electron binary here). */
async function connectedBridge(dispatcher: Dispatcher, frameUrl = 'bootmend://app/index.html') {
  const standIn = createElectronStandIn();
  startElectronHost(standIn.electron, { dispatcher, rendererDir: dataDir, preloadPath: '/p.cjs', log: () => undefined });
  await standIn.makeReady();
  const contents = standIn.windows[0]?.webContents;
  if (!contents) throw new Error('no window');
  const ipcRenderer = connectRenderer(standIn, contents, frameUrl);
  return { bridge: buildBridge(ipcRenderer as unknown as BridgeIpc), ipcRenderer, standIn };
}

describe('bridge -> stand-in IPC -> ipcMain handler -> dispatcher (electron module replaced by a stand-in)', () => {
  it('every declared method is reachable from window.bootmend', async () => {
    const dispatcher = createRecordingDispatcher();
    const { bridge } = await connectedBridge(dispatcher);
    const loose = bridge as unknown as Loose;
    for (const name of methodNames) {
      const method = loose[name];
      if (!method) throw new Error(`bridge lacks ${name}`);
      const envelope = contract[name].streams ? await method({}, `job-${name}-1`, () => undefined) : await method({});
      expect(envelope, name).toEqual({ ok: true, value: { method: name } });
    }
    expect(dispatcher.calls.map((call) => call.name)).toEqual(methodNames);
  });

  it('delivers streamed progress from the main side to the right caller only', async () => {
    const { bridge, ipcRenderer } = await connectedBridge(createRecordingDispatcher());
    const mine: ProgressEvent[] = [];
    const others: ProgressEvent[] = [];
    const [a, b] = await Promise.all([
      bridge.checkTools({}, 'job-aaaaaaaa', (event) => mine.push(event)),
      bridge.checkTools({}, 'job-bbbbbbbb', (event) => others.push(event)),
    ]);
    expect(a.ok && b.ok).toBe(true);
    expect(mine.map((event) => event.jobId)).toEqual(['job-aaaaaaaa']);
    expect(others.map((event) => event.jobId)).toEqual(['job-bbbbbbbb']);
    expect(ipcRenderer.listenerCount('bootmend:progress')).toBe(0);
  });

  it('a page that is not the app gets FORBIDDEN for every method', async () => {
    const dispatcher = createRecordingDispatcher();
    const { bridge } = await connectedBridge(dispatcher, 'https://evil.example/');
    const loose = bridge as unknown as Loose;
    for (const name of methodNames) {
      const envelope = await loose[name]?.({}, 'job-evil0001', () => undefined);
      expect(envelope, name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(dispatcher.calls).toEqual([]);
  });

  it('works against the real local API: app info says electron, settings round-trip, checkTools streams and validates', async () => {
    const api = createApi({
      host: 'electron',
      electronVersion: ELECTRON_VERSION,
      dataDir,
      tools: [{ id: 'nothing', name: 'Nothing', purpose: 'test', commands: ['bootmend-no-such-tool'], versionArgs: [] }],
    });
    const { bridge } = await connectedBridge(api.dispatcher);

    const info = await bridge.getAppInfo({});
    expect(info).toMatchObject({ ok: true, value: { name: 'Bootmend', host: 'electron', electronVersion: ELECTRON_VERSION } });

    const saved = await bridge.saveSettings({ technicianName: 'Ada' });
    expect(saved).toMatchObject({ ok: true, value: { technicianName: 'Ada' } });
    expect(await bridge.getSettings({})).toMatchObject({ ok: true, value: { technicianName: 'Ada' } });

    const events: ProgressEvent[] = [];
    const tools = await bridge.checkTools({}, 'job-real0001', (event) => events.push(event));
    expect(tools).toMatchObject({ ok: true, value: { tools: [{ id: 'nothing', found: false }] } });
    expect(events.at(-1)).toMatchObject({ jobId: 'job-real0001', phase: 'done', fraction: 1 });

    const badJob = await bridge.checkTools({}, 'x', () => undefined);
    expect(badJob).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const badInput = await (bridge as unknown as Loose).getAppInfo?.({ unexpected: true });
    expect(badInput).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
