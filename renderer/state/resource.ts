import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { ApiClient } from '../api/client.js';
import { describeError } from './errors.js';

/** One value read from the local API: the last good value, the last failure's sentence, and whether a read is running. */
export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Starts a read unless one is already running (then returns that one). Never rejects. */
  load(client: ApiClient): Promise<void>;
}

export function createResource<T>(read: (client: ApiClient) => Promise<T>): UseBoundStore<StoreApi<Resource<T>>> {
  let inflight: Promise<void> | null = null;
  return create<Resource<T>>()((set) => ({
    data: null,
    error: null,
    loading: false,
    load(client) {
      if (inflight) return inflight;
      set({ loading: true });
      inflight = read(client)
        .then(
          (data) => set({ data, error: null, loading: false }),
          (error: unknown) => set({ error: describeError(error), loading: false }),
        )
        .finally(() => {
          inflight = null;
        });
      return inflight;
    },
  }));
}
