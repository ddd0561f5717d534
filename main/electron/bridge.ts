import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';
import { contract, type BootmendBridge, type MethodName } from '../../core/api/contract.js';
import { IPC_PROGRESS_CHANNEL, ipcChannel, type Envelope, type ProgressListener } from '../../core/api/envelope.js';
import type { MethodSpec } from '../../core/api/define.js';

/** The name of the one global the preload exposes: `window.bootmend`. */
export const BRIDGE_GLOBAL = 'bootmend';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

type AnyMethod = (input: unknown, jobId?: string, onProgress?: ProgressListener) => Promise<Envelope>;

const UNREACHABLE: Envelope = {
  ok: false,
  error: { code: 'UNAVAILABLE', message: 'The Bootmend main process did not answer; restart Bootmend and try again.' },
};

/**
 * Builds `window.bootmend` from the contract: one named function per method, each
 * invoking only its own channel. No ipcRenderer, no generic `invoke(channel)` — the
 * page can reach exactly what core/api/contract.ts declares. Streaming methods listen
 * on the progress channel for their own job id while the call runs.
 */
export function buildBridge(ipc: BridgeIpc, spec: Readonly<Record<MethodName, MethodSpec>> = contract): BootmendBridge {
  const bridge: Record<string, AnyMethod> = {};
  for (const name of Object.keys(spec) as MethodName[]) {
    const channel = ipcChannel(name);
    const invoke = async (...args: unknown[]): Promise<Envelope> => {
      try {
        return (await ipc.invoke(channel, ...args)) as Envelope;
      } catch {
        return UNREACHABLE;
      }
    };
    bridge[name] = spec[name].streams
      ? async (input, jobId, onProgress) => {
          const listener = (_event: IpcRendererEvent, id: unknown, progress: unknown): void => {
            if (id === jobId && typeof onProgress === 'function') onProgress(progress as Parameters<ProgressListener>[0]);
          };
          ipc.on(IPC_PROGRESS_CHANNEL, listener);
          try {
            return await invoke(input, jobId);
          } finally {
            ipc.removeListener(IPC_PROGRESS_CHANNEL, listener);
          }
        }
      : (input) => invoke(input);
  }
  return Object.freeze(bridge) as unknown as BootmendBridge;
}

/** What preload.ts runs: puts the bridge on the page as `window.bootmend`, once. */
export function exposeBridge(contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>, ipc: BridgeIpc): void {
  contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, buildBridge(ipc));
}
