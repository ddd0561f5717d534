import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { methodNames, type MethodName } from '../../core/api/contract.js';
import { IPC_PROGRESS_CHANNEL, ipcChannel, type Envelope } from '../../core/api/envelope.js';
import type { Dispatcher } from '../../core/api/dispatcher.js';
import { isAppUrl } from './app-protocol.js';

export interface IpcAdapter {
  /** Every channel registered, in contract order (one per method). */
  readonly channels: readonly string[];
  /** Aborts every call still running for this web contents (its window closed). */
  cancelCallsFrom(contents: WebContents): void;
}

/**
 * The ipcMain side of the local API: one `ipcMain.handle` per contract method, generated
 * from `methodNames`. A call is dispatched only when it comes from a frame showing our
 * own `bootmend://app` pages; streaming methods send progress back to the calling web
 * contents on IPC_PROGRESS_CHANNEL, tagged with the caller's job id. Calls still running
 * when the web contents goes away (window closed, renderer crashed) are aborted.
 */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, dispatcher: Dispatcher, names: readonly MethodName[] = methodNames): IpcAdapter {
  const running = new Map<WebContents, AbortController>();

  const cancelCallsFrom = (contents: WebContents): void => {
    running.get(contents)?.abort();
    running.delete(contents);
  };

  const signalFor = (contents: WebContents): AbortSignal => {
    let controller = running.get(contents);
    if (!controller) {
      controller = new AbortController();
      running.set(contents, controller);
      contents.once('destroyed', () => cancelCallsFrom(contents));
      contents.once('render-process-gone', () => cancelCallsFrom(contents));
    }
    return controller.signal;
  };

  const channels: string[] = [];
  for (const name of names) {
    const channel = ipcChannel(name);
    const streaming = dispatcher.isStreaming(name);
    channels.push(channel);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown, jobId: unknown): Promise<Envelope> => {
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isAppUrl(frameUrl)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Only Bootmend\'s own window may use this operation.' } };
      }
      const sender = event.sender;
      const id = streaming && typeof jobId === 'string' ? jobId : undefined;
      try {
        return await dispatcher.call(name, input, {
          jobId: id,
          signal: signalFor(sender),
          onProgress: streaming
            ? (progress) => {
                if (!sender.isDestroyed()) sender.send(IPC_PROGRESS_CHANNEL, id, progress);
              }
            : undefined,
        });
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: 'Something unexpected failed inside Bootmend; the details are in the log.' } };
      }
    });
  }

  return { channels, cancelCallsFrom };
}
