import { useCallback, useEffect, useRef, useState } from 'react';
import type { MachineSummary } from '../../../core/backend/schemas.js';
import { ApiError, helpdeskApi } from '../api.js';
import { useLive } from '../live.js';
import { useSession } from '../session.js';

export interface MachineFilter {
  status: string;
  site: string;
  technician: string;
  q: string;
}

export const PAGE_SIZE = 200;

export interface MachinePages {
  rows: MachineSummary[];
  /** True while more pages are on the server. */
  more: boolean;
  loading: boolean;
  error: string | null;
  loadMore(): void;
}

/** The filter as `GET /api/v1/machines` and `GET /api/v1/export` take it. */
export function filterQuery(filter: MachineFilter): Record<string, string> {
  return { status: filter.status, site: filter.site, technician: filter.technician, q: filter.q.trim() };
}

/**
 * The machine table's rows, page by page through the cursor. A live change updates the
 * status of rows already shown; while only the first page is loaded, it is read again so
 * new machines and filter changes appear too.
 */
export function useMachinePages(token: string, filter: MachineFilter): MachinePages {
  const [rows, setRows] = useState<MachineSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const signOut = useSession((s) => s.signOut);
  const inFlight = useRef<AbortController | null>(null);
  const key = JSON.stringify(filterQuery(filter));

  const fetchPage = useCallback(
    (after: string | null, replace: boolean) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      setLoading(true);
      const params = { ...(JSON.parse(key) as ReturnType<typeof filterQuery>), limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) };
      helpdeskApi(token).call('listMachines', params, 'Reading the machines', controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          setRows((old) => (replace ? page.machines : [...old, ...page.machines]));
          setCursor(page.nextCursor);
          setError(null);
          setLoading(false);
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return;
          if (failure instanceof ApiError && failure.status === 401) signOut(failure.message);
          setError(failure instanceof Error ? failure.message : String(failure));
          setLoading(false);
        },
      );
    },
    [token, key, signOut],
  );

  useEffect(() => {
    // Started from a timer, not the effect's body, so the first page's state updates come after this render.
    const timer = setTimeout(() => fetchPage(null, true), 0);
    return () => {
      clearTimeout(timer);
      inFlight.current?.abort();
    };
  }, [fetchPage]);

  const changes = useLive((s) => s.changes);
  const handled = useRef(0);
  const shortList = rows.length <= PAGE_SIZE;
  useEffect(() => {
    if (changes === handled.current) return;
    const latest = new Map(useLive.getState().latest.map((m) => [m.id, m]));
    const timer = setTimeout(() => {
      handled.current = changes;
      if (shortList) fetchPage(null, true);
      else setRows((old) => old.map((row) => (latest.has(row.id) ? { ...row, status: latest.get(row.id)!.status } : row)));
    }, 250);
    return () => clearTimeout(timer);
  }, [changes, shortList, fetchPage]);

  const loadMore = useCallback(() => {
    if (cursor && !loading) fetchPage(cursor, false);
  }, [cursor, loading, fetchPage]);

  return { rows, more: cursor !== null, loading, error, loadMore };
}
