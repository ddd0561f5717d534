import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import type { ProgressListener } from '../../core/api/envelope.js';
import { BootmendError } from '../../core/errors.js';
import type { ApiClient } from '../api/client.js';

/*
 * For the stores' unit tests: an ApiClient that answers from a table of handlers typed by the
 * contract (a fake answer that drifts from core/api/contract.ts fails the type check) and
 * records every call. Not used by the app.
 */

/** The fake answer to one method: its output, or a thrown BootmendError. */
export type FakeHandler<K extends MethodName> = (input: MethodInput<K>, onProgress: ProgressListener, signal: AbortSignal | undefined) => MethodOutput<K> | Promise<MethodOutput<K>>;

export type FakeHandlers = { [K in MethodName]?: FakeHandler<K> };

export interface FakeClient extends ApiClient {
  /** Every call in order, with what the store sent. */
  readonly calls: { name: MethodName; input: unknown }[];
}

type AnyHandler = (input: unknown, onProgress: ProgressListener, signal: AbortSignal | undefined) => unknown;

/** A method without a handler answers as an unavailable service would. */
export function fakeClient(handlers: FakeHandlers, host: ApiClient['host'] = 'web'): FakeClient {
  const calls: FakeClient['calls'] = [];
  const answer = async (name: MethodName, input: unknown, onProgress: ProgressListener, signal?: AbortSignal): Promise<never> => {
    calls.push({ name, input });
    const handler = handlers[name] as AnyHandler | undefined;
    if (!handler) throw new BootmendError('UNAVAILABLE', `${name} is not faked in this test.`);
    return (await handler(input, onProgress, signal)) as never;
  };
  return {
    host,
    calls,
    call: (name, input) => answer(name, input, () => undefined),
    stream: (name, input, { onProgress, signal }) => answer(name, input, onProgress, signal),
  };
}
