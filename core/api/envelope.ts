import { z } from 'zod';
import { ApiErrorSchema } from '../error-schema.js';
import { BootmendError, type ApiError } from '../errors.js';
import { ProgressEventSchema, type ProgressEvent } from '../progress.js';
import type { ContractSpec, InputOf, MethodNameOf, OutputOf, StreamingNameOf } from './define.js';

/**
 * What crosses a process boundary: a result or a typed error, never a thrown Error
 * (Electron's IPC and HTTP both strip an Error's own fields).
 */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw BootmendError.from(envelope.error);
}

export type ProgressListener = (event: ProgressEvent) => void;

/** A contract as named functions, as the Electron preload exposes it (`window.bootmend`). */
export type BridgeOf<C extends ContractSpec> = {
  [K in MethodNameOf<C>]: K extends StreamingNameOf<C>
    ? (input: InputOf<C, K>, jobId: string, onProgress: ProgressListener) => Promise<Envelope<OutputOf<C, K>>>
    : (input: InputOf<C, K>) => Promise<Envelope<OutputOf<C, K>>>;
};

/** Channel names: prefixed so the main process can refuse anything that is not ours. */
export const IPC_PREFIX = 'bootmend:';
export const IPC_PROGRESS_CHANNEL = 'bootmend:progress';
export const ipcChannel = (name: string): string => `${IPC_PREFIX}${name}`;

/** HTTP: POST /api/<method>; streaming methods answer with server-sent events. */
export const HTTP_API_PREFIX = '/api/';
export const TOKEN_HEADER = 'x-bootmend-token';
export const JOB_HEADER = 'x-bootmend-job';

export const StreamMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), event: ProgressEventSchema }),
  z.object({ type: z.literal('result'), envelope: EnvelopeSchema }),
]);
