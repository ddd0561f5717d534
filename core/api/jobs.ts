import { BootmendError } from '../errors.js';

/** Running streaming calls by job id, so `cancelJob` (or a closed connection) can stop them. */
export class JobRegistry {
  private readonly running = new Map<string, AbortController>();

  start(jobId: string): AbortController {
    if (this.running.has(jobId)) {
      throw new BootmendError('INVALID_INPUT', `A job with id ${jobId} is already running; start it with a new id.`);
    }
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return controller;
  }

  finish(jobId: string): void {
    this.running.delete(jobId);
  }

  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    if (!controller) return false;
    controller.abort(new BootmendError('CANCELLED', 'Cancelled.'));
    return true;
  }

  get size(): number {
    return this.running.size;
  }
}
