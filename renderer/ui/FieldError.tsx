import type { ReactElement, ReactNode } from 'react';
import { ErrorIcon } from './icons.js';

/** A failure shown under the field it is about; role="alert" so it is heard when it appears. */
export function FieldError({ id, children }: { id: string; children: ReactNode }): ReactElement {
  return (
    <p className="field__error" id={id} role="alert">
      <ErrorIcon size={18} />
      <span>{children}</span>
    </p>
  );
}
