import { Fragment, useEffect, useState, type ReactElement, type RefObject } from 'react';
import { useFocusRequest as useScreenFocusRequest } from '../../ui/useFocusRequest.js';
import { useKeys, type FocusTarget } from './store.js';
import { splitKeyId } from './words.js';

/**
 * The key ID as the recovery screen shows it: its first 8 characters are all Windows 10/11
 * print there, so they stand out and the rest is quieter.
 */
export function KeyIdText({ id, className }: { id: string; className?: string }): ReactElement {
  const { head, rest } = splitKeyId(id);
  // Where a line must break, break after a dash (never inside a group of hex digits).
  const parts = rest.split(/(?<=-)/);
  return (
    <span className={['key-id', 'mono', className].filter(Boolean).join(' ')} data-testid="key-id">
      <strong className="key-id__head">{head}</strong>
      <span className="key-id__rest">
        {parts.map((part, index) => (
          <Fragment key={index}>
            {part}
            {index < parts.length - 1 ? <wbr /> : null}
          </Fragment>
        ))}
      </span>
    </span>
  );
}

/** A key among several that match (vault, escrow or Graph): its device, when it was made and its ID, as every candidate list shows it. */
export function CandidateLabel({ candidate }: { candidate: { id: string; device: string | null; created: string | null } }): ReactElement {
  return (
    <>
      <span className="candidate__device">{candidate.device ?? 'Unnamed device'}</span>
      <span className="candidate__created">{formatWhen(candidate.created)}</span>
      <KeyIdText id={candidate.id} className="candidate__id" />
    </>
  );
}

/** A date from an export (often without a time zone) in the technician's locale; unreadable ones as given. */
export function formatWhen(value: string | null, withTime = true): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' });
}

/**
 * Moves focus to `ref` when the Keys store asks for `target` (after a step: unlock, lookup,
 * reveal, import); each request once.
 */
export function useFocusRequest(target: FocusTarget, ref: RefObject<HTMLElement | null>, options: { select?: boolean } = {}): void {
  useScreenFocusRequest('keys', useKeys((s) => s.focus), target, ref, options);
}

/** The current time, ticking every `intervalMs`, for countdowns. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}:${String(seconds % 60).padStart(2, '0')}` : `${seconds} s`;
}

/** An SVG string from the privileged side as an <img> source: inert (no scripts run in an <img>), and allowed by img-src data:. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
