import { useEffect } from 'react';

/**
 * Runs `refresh` now, every `intervalMs` (when given) and whenever the window regains focus:
 * what the technician sees (backend state, a vault that locked itself, a stick plugged in
 * while the window was in the background) is current when they look again. `deps` are what
 * `refresh` closes over (e.g. the API client); a change restarts it.
 */
export function useRefresh(refresh: () => void, intervalMs: number | null, deps: readonly unknown[]): void {
  useEffect(() => {
    refresh();
    const timer = intervalMs === null ? null : window.setInterval(refresh, intervalMs);
    window.addEventListener('focus', refresh);
    return () => {
      if (timer !== null) window.clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` lists what refresh closes over
  }, [intervalMs, ...deps]);
}
