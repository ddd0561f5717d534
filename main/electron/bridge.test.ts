import { afterEach, describe, expect, it, vi } from 'vitest';
import { contract, methodNames } from '../../core/api/contract.js';
import { IPC_PROGRESS_CHANNEL, ipcChannel, type Envelope, type ProgressListener } from '../../core/api/envelope.js';
import type { ProgressEvent } from '../../core/progress.js';
import { buildBridge, exposeBridge, type BridgeIpc } from './bridge.js';
import { StandInEmitter } from '../../test/electron-stand-in.js';

type Loose = Record<string, (input: unknown, jobId?: string, onProgress?: ProgressListener) => Promise<Envelope>>;

/** A recording stand-in for ipcRenderer (the real one exists only inside Electron). */
function recordingIpcRenderer(answer: (channel: string, args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null })) {
  const emitter = new StandInEmitter();
  const invokes: { channel: string; args: unknown[] }[] = [];
  const ipc = {
    invokes,
    emitter,
    invoke: (channel: string, ...args: unknown[]) => {
      invokes.push({ channel, args });
      return answer(channel, args);
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      emitter.on(channel, listener);
      return ipc;
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
      emitter.removeListener(channel, listener);
      return ipc;
    },
  };
  return ipc;
}

const asBridgeIpc = (ipc: ReturnType<typeof recordingIpcRenderer>) => ipc as unknown as BridgeIpc;

const progress = (jobId: string, message: string): ProgressEvent => ({
  jobId,
  phase: 'checking',
  message,
  bytesDone: 0,
  bytesTotal: null,
  speed: null,
  etaSeconds: null,
  fraction: null,
});

describe('preload bridge (window.bootmend), built against a stand-in ipcRenderer', () => {
  it('exposes exactly the contract methods — no invoke, send, on or ipcRenderer', () => {
    const bridge = buildBridge(asBridgeIpc(recordingIpcRenderer()));
    expect(new Set(Object.keys(bridge))).toEqual(new Set(methodNames));
    for (const forbidden of ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync']) expect(bridge).not.toHaveProperty(forbidden);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends each method on its own channel, ipcChannel(name), with the input', async () => {
    const ipc = recordingIpcRenderer();
    const bridge = buildBridge(asBridgeIpc(ipc)) as unknown as Loose;
    for (const name of methodNames) {
      const method = bridge[name];
      if (!method) throw new Error(`missing ${name}`);
      await (contract[name].streams ? method({ n: name }, 'job-00000001', () => undefined) : method({ n: name }));
      expect(ipc.invokes.at(-1)?.channel, name).toBe(ipcChannel(name));
      expect(ipc.invokes.at(-1)?.args[0]).toEqual({ n: name });
    }
    expect(ipc.invokes).toHaveLength(methodNames.length);
  });

  it('delivers progress of a streaming call only for its own job id, then removes its listener', async () => {
    let finish: (value: Envelope) => void = () => undefined;
    const ipc = recordingIpcRenderer(() => new Promise((resolve) => (finish = resolve)));
    const bridge = buildBridge(asBridgeIpc(ipc));
    const seen: ProgressEvent[] = [];
    const call = bridge.checkTools({}, 'job-mine0001', (event) => seen.push(event));
    expect(ipc.invokes[0]).toEqual({ channel: ipcChannel('checkTools'), args: [{}, 'job-mine0001'] });
    expect(ipc.emitter.listenerCount(IPC_PROGRESS_CHANNEL)).toBe(1);
    ipc.emitter.emit(IPC_PROGRESS_CHANNEL, {}, 'job-other001', progress('job-other001', 'not mine'));
    ipc.emitter.emit(IPC_PROGRESS_CHANNEL, {}, 'job-mine0001', progress('job-mine0001', 'mine'));
    finish({ ok: true, value: { tools: [] } });
    expect(await call).toEqual({ ok: true, value: { tools: [] } });
    expect(seen.map((event) => event.message)).toEqual(['mine']);
    expect(ipc.emitter.listenerCount(IPC_PROGRESS_CHANNEL)).toBe(0);
  });

  it('removes the progress listener also when the main process fails to answer, and returns a typed error', async () => {
    const ipc = recordingIpcRenderer(() => Promise.reject(new Error("No handler registered for 'bootmend:checkTools'")));
    const bridge = buildBridge(asBridgeIpc(ipc));
    const envelope = await bridge.checkTools({}, 'job-mine0001', () => undefined);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(ipc.emitter.listenerCount(IPC_PROGRESS_CHANNEL)).toBe(0);
  });

  it('exposeBridge puts it on the page once, as window.bootmend', () => {
    const exposeInMainWorld = vi.fn();
    exposeBridge({ exposeInMainWorld }, asBridgeIpc(recordingIpcRenderer()));
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(exposeInMainWorld.mock.calls[0]?.[0]).toBe('bootmend');
    expect(new Set(Object.keys(exposeInMainWorld.mock.calls[0]?.[1] as object))).toEqual(new Set(methodNames));
  });
});

describe('preload.ts entry, with `electron` replaced by a stand-in module', () => {
  afterEach(() => {
    vi.doUnmock('electron');
    vi.resetModules();
  });

  it('calls contextBridge.exposeInMainWorld exactly once, with "bootmend" and the contract methods', async () => {
    const exposeInMainWorld = vi.fn();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld },
      ipcRenderer: recordingIpcRenderer(),
    }));
    await import('./preload.js');
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = exposeInMainWorld.mock.calls[0] ?? [];
    expect(key).toBe('bootmend');
    expect(new Set(Object.keys(api as object))).toEqual(new Set(methodNames));
  });
});
