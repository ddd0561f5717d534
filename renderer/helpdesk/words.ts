import type { BackendStatus } from '../../core/backend/schemas.js';
import type { Tone } from '../ui/Badge.js';

export { METHOD_LABEL, STATUS_LABEL, STATUS_ORDER } from '../../core/backend/words.js';

export const STATUS_TONE: Record<BackendStatus, Tone> = {
  pending: 'neutral',
  in_progress: 'info',
  fixed: 'success',
  nothing_to_do: 'success',
  needs_reimage: 'warning',
  escalated: 'warning',
  failed: 'danger',
};


const numberFormat = new Intl.NumberFormat('en');
export const formatCount = (n: number): string => numberFormat.format(n);

export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return '0 %';
  const value = (part / whole) * 100;
  return `${value >= 99.5 && part < whole ? '99' : value < 1 && part > 0 ? '<1' : Math.round(value)} %`;
}

/** "in 3 h 20 min", "in 12 min", "now". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes === 0) return 'now';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48) return `in ${Math.round(hours / 24)} days`;
  return hours > 0 ? `in ${hours} h${rest > 0 ? ` ${rest} min` : ''}` : `in ${rest} min`;
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatHour(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The ETA sentence: when the machines still down are up at the last hour's rate. */
export function etaSentence(summary: { remaining: number; fixedPerHour: number; eta: string | null }, now = Date.now()): string {
  if (summary.remaining === 0) return 'Every machine is up.';
  if (summary.eta === null) return `No machine came up in the last hour, so there is no ETA yet for the ${formatCount(summary.remaining)} still down.`;
  return `${formatCount(summary.remaining)} still down: all up ${formatDuration(new Date(summary.eta).getTime() - now)} (${formatTime(summary.eta)}) at ${formatCount(summary.fixedPerHour)} an hour.`;
}
