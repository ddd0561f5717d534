import { isBootmendError } from '../../core/errors.js';

/**
 * The sentence to show for a failed call. A BootmendError already carries one written
 * for the technician; anything else is a bug in the renderer, said so with its message.
 */
export function describeError(error: unknown): string {
  if (isBootmendError(error)) return error.message;
  if (error instanceof Error && error.message) return `The Bootmend window hit an unexpected problem: ${error.message}`;
  return 'The Bootmend window hit an unexpected problem it could not describe. Reload the window and try again.';
}

/** The input field a failure is about (BootmendError.field), when it names one. */
export function errorField(error: unknown): string | undefined {
  return isBootmendError(error) ? error.field : undefined;
}

export function isCancelled(error: unknown): boolean {
  return isBootmendError(error) && error.code === 'CANCELLED';
}
