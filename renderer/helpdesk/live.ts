import { create } from 'zustand';
import { MachineChangeSchema, type MachineChange } from '../../core/backend/schemas.js';
import { ApiError, request } from './api.js';
import { SseParser } from './sse.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

interface LiveStore {
  state: LiveState;
  /** Goes up by one per change heard: screens that show changing data refetch on it. */
  changes: number;
  /** The machines named by the latest change, for patching rows already shown. */
  latest: MachineChange['machines'];
  lastChangeAt: number | null;
}

export const useLive = create<LiveStore>(() => ({ state: 'stopped', changes: 0, latest: [], lastChangeAt: null }));

/**
 * Follows `GET /api/v1/stream`. EventSource cannot send an Authorization header, so the stream
 * is read with fetch and parsed here: the token stays in a header (never in a URL, where proxies
 * and server logs keep it) and the server needs no second way to authenticate. Reconnects with
 * backoff; a refused token (401) ends the session through `onUnauthorized`.
 */
export function followStream(token: string, onUnauthorized: (message: string) => void): () => void {
  const controller = new AbortController();
  let attempt = 0;
  const run = async () => {
    while (!controller.signal.aborted) {
      useLive.setState({ state: attempt === 0 ? 'connecting' : 'reconnecting' });
      try {
        const response = await request(token, '/api/v1/stream', 'The live stream', { signal: controller.signal, headers: { accept: 'text/event-stream' } });
        // After a gap, changes may have been missed: count the reconnect as one so screens refetch.
        useLive.setState((s) => ({ state: 'live', changes: attempt > 0 ? s.changes + 1 : s.changes }));
        attempt = 0;
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) {
            // A new audit entry changes no machine: it only makes the screens read again.
            if (event.event === 'audit') useLive.setState((s) => ({ changes: s.changes + 1 }));
            if (event.event !== 'machines') continue;
            const parsed = MachineChangeSchema.safeParse(JSON.parse(event.data));
            if (parsed.success) useLive.setState((s) => ({ changes: s.changes + 1, latest: parsed.data.machines, lastChangeAt: Date.now() }));
          }
        }
      } catch (error) {
        if (controller.signal.aborted) break;
        if (error instanceof ApiError && error.status === 401) {
          onUnauthorized(error.message);
          break;
        }
      }
      if (controller.signal.aborted) break;
      attempt += 1;
      useLive.setState({ state: 'reconnecting' });
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))));
    }
  };
  void run();
  return () => {
    controller.abort();
    useLive.setState({ state: 'stopped' });
  };
}
