import type { MethodInput, MethodName, MethodOutput, StreamingMethodName } from '../../core/api/contract.js';
import { unwrap, type BootmendBridge, type ProgressListener } from '../../core/api/envelope.js';
import { BootmendError } from '../../core/errors.js';
import { createElectronTransport } from './electron-transport.js';
import type { Transport } from './transport.js';
import { createWebTransport, takeTokenFromLocation } from './web-transport.js';

/**
 * The renderer's typed client of the local API. Every call resolves to the contract's
 * output type or throws a BootmendError whose message can be shown as is.
 */
export interface ApiClient {
  readonly host: Transport['kind'];
  call<K extends Exclude<MethodName, StreamingMethodName>>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
  stream<K extends StreamingMethodName>(
    name: K,
    input: MethodInput<K>,
    options: { onProgress: ProgressListener; signal?: AbortSignal },
  ): Promise<MethodOutput<K>>;
}

export function createClient(transport: Transport): ApiClient {
  return {
    host: transport.kind,
    async call(name, input) {
      return unwrap(await transport.call(name, input)) as never;
    },
    async stream(name, input, { onProgress, signal }) {
      signal?.throwIfAborted();
      const jobId = newJobId();
      const onAbort = (): void => {
        void transport.call('cancelJob', { jobId });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return unwrap(await transport.call(name, input, { jobId, onProgress })) as never;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

function newJobId(): string {
  return `job-${crypto.randomUUID()}`;
}

declare global {
  interface Window {
    bootmend?: BootmendBridge;
  }
}

/** Electron's preload bridge when present, else the web host with the token from the URL. */
export function connect(): ApiClient {
  if (window.bootmend) return createClient(createElectronTransport(window.bootmend));
  const token = takeTokenFromLocation(window.location, window.sessionStorage, window.history);
  if (!token) {
    throw new BootmendError(
      'UNAUTHORIZED',
      'This page was opened without its access token. Open the exact BOOTMEND_URL link that `npm start` printed.',
    );
  }
  return createClient(createWebTransport(token));
}
