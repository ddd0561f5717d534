import type { ProgressListener } from '../../core/api/envelope.js';
import type { ProgressEvent } from '../../core/progress.js';
import { fieldFailure, isCancelled, type FieldFailure } from './errors.js';

/**
 * A long job of the local API (a media build, a drive write or check, a key import, the
 * environment check), in one of six states. A form's own check may fail it before it runs.
 *
 *   idle → running → done | failed
 *             ↓ cancel()
 *         cancelling → cancelled (or done, when the job answers with what it did)
 */
export type JobState<T, F extends string = never> =
  | { status: 'idle' }
  | { status: 'running'; progress: ProgressEvent | null }
  | { status: 'cancelling'; progress: ProgressEvent | null }
  | { status: 'done'; result: T }
  | { status: 'cancelled' }
  | { status: 'failed'; failure: FieldFailure<F> };

export type JobStatus = JobState<unknown>['status'];

export const IDLE_JOB: JobState<never> = { status: 'idle' };

/** Running or cancelling: the job has not answered yet. */
export function isActive<T, F extends string>(job: JobState<T, F>): job is Extract<JobState<T, F>, { status: 'running' | 'cancelling' }> {
  return job.status === 'running' || job.status === 'cancelling';
}

/** The last progress the job reported while it works; null before the first and once it has ended. */
export function jobProgress(job: JobState<unknown, string>): ProgressEvent | null {
  return isActive(job) ? job.progress : null;
}

/** What a job's `start` gets: pass both to `client.stream(name, input, options)`. */
export interface JobSignals {
  signal: AbortSignal;
  onProgress: ProgressListener;
}

export interface RunOptions<S, T, F extends string> {
  /** Other state that changes as the job starts (e.g. a dialog closes). */
  starting?: Partial<S>;
  /**
   * A cancel that the other side answered with CANCELLED rather than with what it did (it was
   * gone before it could answer): the result to show instead, from the last progress it reported.
   * Without it the job ends as cancelled.
   */
  resultOnCancel?(last: ProgressEvent | null): T;
  /** Failures the store deals with itself (e.g. the vault locked meanwhile): the job goes back to idle, nothing is shown. */
  handledElsewhere?(error: unknown): Promise<boolean>;
  /** Other state that changes with each ending (focus requests, what else the job's end changes). */
  done?(result: T, state: S): Partial<S>;
  cancelled?(state: S): Partial<S>;
  failed?(failure: FieldFailure<F>, state: S): Partial<S>;
}

export interface JobRunner<S, T, F extends string> {
  /** Starts the job unless it is already running. Never rejects: every ending lands in the state. */
  run(start: (signals: JobSignals) => Promise<T>, options?: RunOptions<S, T, F>): Promise<void>;
  /** Asks a running job to stop; it ends as cancelled (or done, with what the job did before it stopped). */
  cancel(): void;
  /** Stops a running job and forgets it: its answer, when it comes, changes nothing. Back to idle. */
  reset(): void;
}

/** The store's `set` and `get`, and how its JobState is read and written (one store may hold several jobs). */
export interface JobSlot<S, T, F extends string> {
  set(partial: Partial<S>): void;
  get(): S;
  read(state: S): JobState<T, F>;
  write(job: JobState<T, F>): Partial<S>;
  /** The form fields a failure may be shown beside; any other goes above the form. */
  fields?: readonly F[];
}

/**
 * The lifecycle of one job slot of a zustand store: start (with an AbortController), progress,
 * cancel, and the result, failure or cancellation, each written into the slot as a JobState.
 * Make one inside the store's creator: `const build = jobRunner({ set, get, read: (s) => s.build, write: (build) => ({ build }) })`.
 */
export function jobRunner<S, T, F extends string = never>(slot: JobSlot<S, T, F>): JobRunner<S, T, F> {
  let current: AbortController | null = null;
  const job = (): JobState<T, F> => slot.read(slot.get());

  return {
    async run(start, options = {}) {
      if (isActive(job())) return;
      const controller = new AbortController();
      current = controller;
      const mine = (): boolean => current === controller;
      slot.set({ ...options.starting, ...slot.write({ status: 'running', progress: null }) });
      const onProgress = (progress: ProgressEvent): void => {
        const now = job();
        if (mine() && isActive(now)) slot.set(slot.write({ status: now.status, progress }));
      };
      let ending: Partial<S>;
      try {
        const result = await start({ signal: controller.signal, onProgress });
        if (!mine()) return;
        ending = { ...slot.write({ status: 'done', result }), ...options.done?.(result, slot.get()) };
      } catch (error) {
        if (!mine()) return;
        if (isCancelled(error) || controller.signal.aborted) {
          const result = options.resultOnCancel?.(jobProgress(job()));
          if (result !== undefined) ending = { ...slot.write({ status: 'done', result }), ...options.done?.(result, slot.get()) };
          else ending = { ...slot.write({ status: 'cancelled' }), ...options.cancelled?.(slot.get()) };
        } else if (await options.handledElsewhere?.(error)) {
          if (!mine()) return;
          ending = slot.write(IDLE_JOB);
        } else {
          const failure = fieldFailure(error, slot.fields);
          ending = { ...slot.write({ status: 'failed', failure }), ...options.failed?.(failure, slot.get()) };
        }
      }
      current = null;
      slot.set(ending);
    },

    cancel() {
      const now = job();
      if (!current || now.status !== 'running') return;
      slot.set(slot.write({ status: 'cancelling', progress: now.progress }));
      current.abort();
    },

    reset() {
      const running = current;
      current = null;
      running?.abort();
      slot.set(slot.write(IDLE_JOB));
    },
  };
}
