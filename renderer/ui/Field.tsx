import type { ReactElement, ReactNode } from 'react';
import { FieldError } from './FieldError.js';

/** What the control inside a Field puts on itself, so the label, hint and error are read with it. */
export interface FieldAria {
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  /** The control's id; the hint and the error get `${id}-hint` and `${id}-error`. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error: string | null;
  wide?: boolean;
  /** Layout class for the wrapper, e.g. to place the field in its parent's grid. */
  className?: string;
  /** The control (and any button beside it), given the aria attributes to put on the control. */
  children: (aria: FieldAria) => ReactNode;
  /** Shown under the error, e.g. what a check of the value found. */
  after?: ReactNode;
}

/** A labelled control with its hint above and its error below, wired for screen readers. */
export function Field({ id, label, hint, error, wide, className, children, after }: FieldProps): ReactElement {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', wide ? 'field--wide' : null, className, error ? 'field--invalid' : null].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children({ 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
      {after}
    </div>
  );
}
