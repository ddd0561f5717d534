import type { ReactElement, ReactNode } from 'react';

/** A decorative spinner: pair it with visible text (or a role="status" label) that says what is happening. */
export function Spinner({ size = 'md' }: { size?: 'sm' | 'md' | 'lg' }): ReactElement {
  return <span className={`spinner spinner--${size}`} aria-hidden="true" />;
}

/** A spinner with its sentence, announced politely to screen readers. */
export function Loading({ children }: { children: ReactNode }): ReactElement {
  return (
    <div className="loading" role="status">
      <Spinner />
      <span>{children}</span>
    </div>
  );
}
