import { useEffect, type RefObject } from 'react';

/** A store's request to move the keyboard focus: `seq` changes on every request. */
export interface FocusRequest<Target extends string> {
  target: Target;
  seq: number;
}

/** The last request each screen handled, kept outside the components: they unmount and mount again. */
const lastHandled = new Map<string, number>();

/**
 * Moves focus to `ref` when the screen's store asks for `target` (after a step: a scan, a lookup,
 * a reveal, an unlock). Each request is handled once per `screen`, so coming back to a screen
 * later leaves focus where navigation put it. It checks after every render, not only when the
 * request changes: the element asked for often appears a render later than the request.
 */
export function useFocusRequest<Target extends string>(
  screen: string,
  request: FocusRequest<Target> | null,
  target: Target,
  ref: RefObject<HTMLElement | null>,
  options: { select?: boolean } = {},
): void {
  const select = options.select === true;
  useEffect(() => {
    if (!request || request.target !== target || request.seq <= (lastHandled.get(screen) ?? 0)) return;
    const element = ref.current;
    if (!element) return;
    lastHandled.set(screen, request.seq);
    element.focus();
    if (select && element instanceof HTMLInputElement) element.select();
  });
}
