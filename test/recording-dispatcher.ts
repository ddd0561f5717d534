import { contract, isMethodName } from '../core/api/contract.js';
import type { Envelope } from '../core/api/envelope.js';
import type { CallOptions, Dispatcher } from '../core/api/dispatcher.js';

export interface RecordedCall {
  name: string;
  input: unknown;
  options: CallOptions;
}

/**
 * A dispatcher that records which method names reached it, to prove an adapter (ipcMain,
 * web host) routes every declared method. Streaming calls get one progress event; with
 * `hold`, a call stays open until its signal aborts (to test cancellation on close).
 */
export function recordingDispatcher(opts: { hold?: boolean } = {}): Dispatcher & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    isStreaming: (name) => isMethodName(name) && contract[name].streams,
    async call(name: string, input: unknown, options: CallOptions = {}): Promise<Envelope> {
      calls.push({ name, input, options });
      if (isMethodName(name) && contract[name].streams && options.jobId) {
        options.onProgress?.({ jobId: options.jobId, phase: 'checking', message: `working on ${name}`, bytesDone: 1, bytesTotal: 2, speed: null, etaSeconds: null, fraction: 0.5 });
      }
      if (opts.hold) {
        await new Promise<void>((resolve) => {
          if (options.signal?.aborted) resolve();
          options.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        return { ok: false, error: { code: 'CANCELLED', message: 'Cancelled before it finished.' } };
      }
      return { ok: true, value: { method: name } };
    },
  };
}
