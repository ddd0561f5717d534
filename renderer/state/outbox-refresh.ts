import type { ApiClient } from '../api/client.js';
import { useStatus } from './resources.js';

/**
 * The calls that add events to the journal's outbox. After each one succeeds the status bar's
 * "N waiting to sync" is read again at once: at the next 10-second poll it was stale, and read a
 * stick's results a technician saw "0 waiting" just after recording them.
 */
export const OUTBOX_WRITES: ReadonlySet<string> = new Set(['recordEvent', 'ingestResults', 'revealKey', 'pullFleetList']);

export function refreshStatusAfterOutboxWrites(client: ApiClient): ApiClient {
  const refresh = (name: string): void => {
    if (OUTBOX_WRITES.has(name)) void useStatus.getState().load(wrapped);
  };
  const wrapped: ApiClient = {
    host: client.host,
    call: async (name, input) => {
      const result = await client.call(name, input);
      refresh(name);
      return result;
    },
    stream: async (name, input, options) => {
      const result = await client.stream(name, input, options);
      refresh(name);
      return result;
    },
  };
  return wrapped;
}
