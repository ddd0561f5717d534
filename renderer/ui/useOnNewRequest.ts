import { useEffect } from 'react';

/** The last request each key acted on, kept outside the components: they unmount and mount again. */
const handled = new Map<string, number>();

/**
 * Runs `act` once for each new value of `request`, a counter a store bumps when something should
 * happen on screen (usually: move the keyboard focus). Keyed outside the component, so a screen the
 * technician comes back to later does not act again on a request it already handled, and focus
 * stays where navigation put it. With `ready` false it waits (e.g. until a list is there to focus).
 */
export function useOnNewRequest(key: string, request: number, act: () => void, ready = true): void {
  useEffect(() => {
    if (!ready || request === (handled.get(key) ?? 0)) return;
    handled.set(key, request);
    act();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `act` reads refs and store state when it runs
  }, [key, request, ready]);
}
