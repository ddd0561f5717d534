import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { BootmendError } from '../../core/errors.js';
import type { ProgressEvent } from '../../core/progress.js';
import { fieldFailure, messageAt } from './errors.js';
import { IDLE_JOB, jobProgress, jobRunner, type JobSignals, type JobState } from './job.js';

interface Slot {
  job: JobState<string, 'path'>;
  focus: number;
}

/** A store with one job slot, and a job whose answer the test gives by hand. */
function harness() {
  const store = create<Slot>()(() => ({ job: IDLE_JOB, focus: 0 }));
  const runner = jobRunner<Slot, string, 'path'>({ set: store.setState, get: store.getState, read: (s) => s.job, write: (job) => ({ job }), fields: ['path'] });
  let answer!: { resolve(value: string): void; reject(error: unknown): void };
  let signals!: JobSignals;
  const start = (given: JobSignals): Promise<string> => {
    signals = given;
    return new Promise<string>((resolve, reject) => (answer = { resolve, reject }));
  };
  return { store, runner, start, answer: () => answer, signals: () => signals };
}

const step = (fraction: number): ProgressEvent => ({ jobId: 'job-1', phase: 'writing', message: 'Writing', bytesDone: 1, bytesTotal: 2, speed: null, etaSeconds: null, fraction });

describe('a long job', () => {
  it('runs, shows each progress event, then its result', async () => {
    const h = harness();
    const running = h.runner.run(h.start, { done: (result, s) => ({ focus: s.focus + result.length }) });
    expect(h.store.getState().job).toEqual({ status: 'running', progress: null });
    h.signals().onProgress(step(0.5));
    expect(jobProgress(h.store.getState().job)?.fraction).toBe(0.5);
    h.answer().resolve('built');
    await running;
    expect(h.store.getState()).toEqual({ job: { status: 'done', result: 'built' }, focus: 5 });
  });

  it('does not start a second time while the first runs', async () => {
    const h = harness();
    const first = h.runner.run(h.start);
    let second = false;
    await h.runner.run(async () => {
      second = true;
      return 'again';
    });
    expect(second).toBe(false);
    h.answer().resolve('first');
    await first;
    expect(h.store.getState().job).toEqual({ status: 'done', result: 'first' });
  });

  it('cancels: aborts the signal, keeps the last progress while cancelling, and ends cancelled', async () => {
    const h = harness();
    const running = h.runner.run(h.start);
    h.signals().onProgress(step(0.25));
    h.runner.cancel();
    expect(h.signals().signal.aborted).toBe(true);
    expect(h.store.getState().job).toEqual({ status: 'cancelling', progress: step(0.25) });
    h.answer().reject(new BootmendError('CANCELLED', 'Cancelled before it finished.'));
    await running;
    expect(h.store.getState().job).toEqual({ status: 'cancelled' });
  });

  it('ends done after a cancel when the job answers with what it did, or when the store makes a result of the last progress', async () => {
    const answered = harness();
    const first = answered.runner.run(answered.start);
    answered.runner.cancel();
    answered.answer().resolve('half of it');
    await first;
    expect(answered.store.getState().job).toEqual({ status: 'done', result: 'half of it' });

    const gone = harness();
    const second = gone.runner.run(gone.start, { resultOnCancel: (last) => `stopped at ${last?.fraction}` });
    gone.signals().onProgress(step(0.75));
    gone.runner.cancel();
    gone.answer().reject(new BootmendError('CANCELLED', 'Cancelled before it finished.'));
    await second;
    expect(gone.store.getState().job).toEqual({ status: 'done', result: 'stopped at 0.75' });
  });

  it('shows a failure beside the field the service names, else above the form', async () => {
    const h = harness();
    const beside = h.runner.run(h.start);
    h.answer().reject(new BootmendError('INVALID_INPUT', 'That file already exists.', { field: 'path' }));
    await beside;
    expect(h.store.getState().job).toEqual({ status: 'failed', failure: { field: 'path', message: 'That file already exists.' } });

    const above = h.runner.run(h.start);
    h.answer().reject(new BootmendError('INVALID_INPUT', 'The timestamp is not a date.', { field: 'timestamp' }));
    await above;
    expect(h.store.getState().job).toEqual({ status: 'failed', failure: { field: null, message: 'The timestamp is not a date.' } });
  });

  it('goes back to idle, showing nothing, for a failure the store deals with itself', async () => {
    const h = harness();
    const running = h.runner.run(h.start, { handledElsewhere: async (error) => error instanceof BootmendError && error.code === 'UNAUTHORIZED' });
    h.answer().reject(new BootmendError('UNAUTHORIZED', 'The key vault is locked.'));
    await running;
    expect(h.store.getState().job).toEqual(IDLE_JOB);
  });

  it('forgets a job that was reset: its late answer changes nothing', async () => {
    const h = harness();
    const running = h.runner.run(h.start);
    h.runner.reset();
    expect(h.signals().signal.aborted).toBe(true);
    expect(h.store.getState().job).toEqual(IDLE_JOB);
    h.signals().onProgress(step(0.9));
    h.answer().reject(new BootmendError('CANCELLED', 'Cancelled before it finished.'));
    await running;
    expect(h.store.getState().job).toEqual(IDLE_JOB);
  });
});

describe('a failure beside a field', () => {
  it('keeps the field only when the form shows it, and says a renderer bug as one', () => {
    expect(fieldFailure(new BootmendError('INVALID_INPUT', 'Backend URL must start with https://.', { field: 'backendUrl' }), ['backendUrl', 'technicianName'])).toEqual({
      field: 'backendUrl',
      message: 'Backend URL must start with https://.',
    });
    expect(fieldFailure(new BootmendError('INVALID_INPUT', 'Theme is unknown.', { field: 'theme' }), ['backendUrl'])).toEqual({ field: null, message: 'Theme is unknown.' });
    expect(fieldFailure(new TypeError('x is undefined')).message).toBe('The Bootmend window hit an unexpected problem: x is undefined');
  });

  it('gives each place its own sentence', () => {
    const failure = { field: 'path' as const, message: 'That file already exists.' };
    expect(messageAt(failure, 'path')).toBe('That file already exists.');
    expect(messageAt<'path'>(failure, null)).toBeNull();
    expect(messageAt<'path'>(null, 'path')).toBeNull();
  });
});
