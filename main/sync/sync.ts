import { SYNC_BATCH_SIZE, toBackendEvent } from '../../core/backend/events.js';
import { EventBatchResultSchema, type ApiEvent } from '../../core/backend/schemas.js';
import type { RecoveryEvent } from '../../core/journal/schemas.js';

/**
 * The journal's outbox, posted to the backend (`POST /api/v1/events`). An event counts as
 * synced only when the server's answer names it (accepted or duplicate): a lost answer means
 * the batch is sent again, and the server's id check makes that a no-op. Events that tell the
 * helpdesk nothing (toBackendEvent → null) are acknowledged without being sent.
 */

export interface Outbox {
  /** The oldest events the backend has not acknowledged, in journal order, at most `limit`. */
  unacknowledged(limit: number): Promise<RecoveryEvent[]>;
  acknowledge(ids: readonly string[]): Promise<void>;
  /** Puts an event the server refused for good aside, with the server's reason, so it no longer blocks the rest. */
  reject(id: string, reason: string): Promise<void>;
}

export interface SyncTarget {
  url: string;
  token: string;
}

export type SyncFailure =
  /** Network down, a timeout or a 5xx: try again later. */
  | { kind: 'unreachable'; detail: string }
  /** 401/403: the token is wrong or revoked; retrying will not help until settings change. */
  | { kind: 'refused'; detail: string };

export interface SyncReport {
  sent: number;
  acknowledged: number;
  rejected: number;
  failure: SyncFailure | null;
}

export interface SyncOptions {
  fetchImpl?: typeof fetch;
  batchSize?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

type PostOutcome = { ok: true; ids: string[] } | { ok: false; failure: SyncFailure } | { ok: false; badRequest: string };

async function postBatch(target: SyncTarget, events: ApiEvent[], options: SyncOptions): Promise<PostOutcome> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  let response: Response;
  try {
    response = await fetchImpl(new URL('api/v1/events', target.url.endsWith('/') ? target.url : `${target.url}/`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ events }),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { ok: false, failure: { kind: 'unreachable', detail: timedOut ? 'The backend did not answer in time.' : 'The backend cannot be reached.' } };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 401 || response.status === 403) {
    return { ok: false, failure: { kind: 'refused', detail: `The backend refused this laptop's token (${response.status}); check the token in Settings.` } };
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) return { ok: false, badRequest: reasonOf(text, response.status) };
  if (!response.ok) return { ok: false, failure: { kind: 'unreachable', detail: `The backend answered ${response.status}.` } };
  const parsed = EventBatchResultSchema.safeParse(safeJson(text));
  if (!parsed.success) return { ok: false, failure: { kind: 'unreachable', detail: 'The backend answered with something that is not an event receipt.' } };
  return { ok: true, ids: [...parsed.data.accepted, ...parsed.data.duplicates] };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function reasonOf(text: string, status: number): string {
  const body = safeJson(text) as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' && message.length > 0 ? message.slice(0, 500) : `The backend refused the event (${status}).`;
}

/**
 * Sends the outbox until it is empty or the backend cannot take more now. A batch the server
 * refuses as malformed (4xx) is halved until the one bad event is found and put aside with the
 * reason, so one bad record never holds back every later one.
 */
export async function syncOnce(outbox: Outbox, target: SyncTarget, options: SyncOptions = {}): Promise<SyncReport> {
  const report: SyncReport = { sent: 0, acknowledged: 0, rejected: 0, failure: null };
  const size = Math.min(options.batchSize ?? SYNC_BATCH_SIZE, SYNC_BATCH_SIZE);
  for (;;) {
    if (options.signal?.aborted) return report;
    const pending = await outbox.unacknowledged(size);
    if (pending.length === 0) return report;
    // `== null`: an event of a type this version does not know is kept local too, never retried forever.
    const silent = pending.filter((event) => toBackendEvent(event) == null).map((event) => event.id);
    const toSend = pending.flatMap((event) => toBackendEvent(event) ?? []);
    if (silent.length > 0) {
      await outbox.acknowledge(silent);
      report.acknowledged += silent.length;
    }
    if (toSend.length === 0) continue;
    report.sent += toSend.length;
    const failure = await sendSplitting(outbox, target, toSend, options, report);
    if (failure) return { ...report, failure };
  }
}

async function sendSplitting(outbox: Outbox, target: SyncTarget, events: ApiEvent[], options: SyncOptions, report: SyncReport): Promise<SyncFailure | null> {
  const outcome = await postBatch(target, events, options);
  if (outcome.ok) {
    const sentIds = new Set(events.map((event) => event.id));
    const ids = outcome.ids.filter((id) => sentIds.has(id));
    await outbox.acknowledge(ids);
    report.acknowledged += ids.length;
    if (ids.length < events.length) return { kind: 'unreachable', detail: 'The backend acknowledged only part of a batch; the rest is sent again later.' };
    return null;
  }
  if ('failure' in outcome) return outcome.failure;
  if (events.length === 1) {
    await outbox.reject(events[0]!.id, outcome.badRequest);
    report.rejected += 1;
    return null;
  }
  const half = Math.ceil(events.length / 2);
  return (await sendSplitting(outbox, target, events.slice(0, half), options, report)) ?? (await sendSplitting(outbox, target, events.slice(half), options, report));
}
