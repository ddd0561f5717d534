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

export function isCancelled(error: unknown): boolean {
  return isBootmendError(error) && error.code === 'CANCELLED';
}

/**
 * A failure a form shows: beside the field it is about, or above the form (field null).
 * The service's failures and a form's own checks take the same shape, with the same kind of sentence.
 */
export interface FieldFailure<F extends string = string> {
  message: string;
  field: F | null;
}

/** A failed call as a FieldFailure: beside one of `fields` when the error names it (BootmendError.field), else above the form. */
export function fieldFailure<F extends string = never>(error: unknown, fields: readonly F[] = []): FieldFailure<F> {
  const named = isBootmendError(error) ? error.field : undefined;
  const field = fields.find((candidate) => candidate === named) ?? null;
  return { message: describeError(error), field };
}

/** The sentence to show at `field` (null: above the form), or null when the failure is about somewhere else. */
export function messageAt<F extends string>(failure: FieldFailure<F> | null | undefined, field: F | null): string | null {
  return failure && failure.field === field ? failure.message : null;
}
