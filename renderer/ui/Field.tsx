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
  /** The control (and any button beside it), given the aria attributes to put on the control. */
  children: (aria: FieldAria) => ReactNode;
  /** Shown under the error, e.g. what a check of the value found. */
  after?: ReactNode;
}

/** A labelled control with its hint above and its error below, wired for screen readers. */
export function Field({ id, label, hint, error, wide, children, after }: FieldProps): ReactElement {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', wide ? 'field--wide' : null, error ? 'field--invalid' : null].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children({ 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? <FieldError id={`${id}-error`}>{error}</FieldError> : null}
      {after}
    </div>
  );
}
