import { useEffect, useRef, useState } from 'react';
import { ApiError } from './api.js';
import { useLive } from './live.js';
import { useSession } from './session.js';

export interface Resource<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

/** How long after a change the data is read again: changes in a burst cost one read. */
const SETTLE_MS = 250;

/**
 * A value read from the API, read again when the live stream hears a change (or `key` changes;
 * `load` is expected to change with it, from useCallback).
 * A 401 ends the session with the server's sentence; other failures keep the last value shown.
 */
export function useLiveResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string, live = true): Resource<T> {
  const [state, setState] = useState<Resource<T>>({ data: null, error: null, loading: true });
  const changes = useLive((s) => (live ? s.changes : 0));
  const signOut = useSession((s) => s.signOut);
  const loadedKey = useRef<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    // A new key (filters) reads at once; a live change waits for the burst to settle.
    const delay = loadedKey.current === key ? SETTLE_MS : 0;
    loadedKey.current = key;
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, loading: true }));
      load(controller.signal).then(
        (data) => setState({ data, error: null, loading: false }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof ApiError && error.status === 401) signOut(error.message);
          setState((s) => ({ data: s.data, error: error instanceof Error ? error.message : String(error), loading: false }));
        },
      );
    }, delay);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, changes, load, signOut]);

  return state;
}

/** A value that follows `value` after it has stopped changing for `ms` (search boxes). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The chart colours, read from the theme's CSS variables and read again when the theme changes. */
export function useThemeColors<K extends string>(names: Record<K, string>): Record<K, string> {
  const read = () => {
    const style = getComputedStyle(document.documentElement);
    return Object.fromEntries(Object.entries(names).map(([key, variable]) => [key, style.getPropertyValue(variable as string).trim() || 'currentColor'])) as Record<K, string>;
  };
  const [colors, setColors] = useState(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setColors(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
    // names is a module constant at every call site
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return colors;
}
