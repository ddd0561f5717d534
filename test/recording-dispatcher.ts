import { contract, isMethodName } from '../core/api/contract.js';
import type { Envelope } from '../core/api/envelope.js';
import type { CallOptions, Dispatcher } from '../main/dispatcher.js';

/** A dispatcher that records which method names reached it; used to prove an adapter routes every declared method. */
export function recordingDispatcher(): Dispatcher & { calls: { name: string; input: unknown; jobId: string | undefined }[] } {
  const calls: { name: string; input: unknown; jobId: string | undefined }[] = [];
  return {
    calls,
    isStreaming: (name) => isMethodName(name) && contract[name].streams,
    async call(name: string, input: unknown, options: CallOptions = {}): Promise<Envelope> {
      calls.push({ name, input, jobId: options.jobId });
      if (options.jobId) {
        options.onProgress?.({ jobId: options.jobId, phase: 'test', message: `progress of ${name}`, bytesDone: 1, bytesTotal: 2, speed: null, etaSeconds: null, fraction: 0.5 });
      }
      return { ok: true, value: { reached: name } };
    },
  };
}
