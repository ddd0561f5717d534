import type { BootmendBridge, Contract } from '../../core/api/contract.js';
import type { ContractSpec, InputOf, OutputOf, PlainNameOf, StreamingNameOf } from '../../core/api/define.js';
import { unwrap, type ProgressListener } from '../../core/api/envelope.js';
import { BootmendError } from '../../core/errors.js';
import { createElectronTransport } from './electron-transport.js';
import type { Transport } from './transport.js';
import { createWebTransport, takeTokenFromLocation } from './web-transport.js';

/**
 * A typed client of any contract (the app's local API; the helpdesk reuses it for the
 * backend's). Every call resolves to the contract's output type or throws a BootmendError
 * whose message can be shown as is. A cancelled stream asks the other side to `cancelJob`.
 */
export interface ClientOf<C extends ContractSpec> {
  readonly host: Transport['kind'];
  call<K extends PlainNameOf<C>>(name: K, input: InputOf<C, K>): Promise<OutputOf<C, K>>;
  stream<K extends StreamingNameOf<C>>(
    name: K,
    input: InputOf<C, K>,
    options: { onProgress: ProgressListener; signal?: AbortSignal },
  ): Promise<OutputOf<C, K>>;
}

/** The technician app's client of its local API. */
export type ApiClient = ClientOf<Contract>;

export function createClient<C extends ContractSpec = Contract>(transport: Transport): ClientOf<C> {
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
