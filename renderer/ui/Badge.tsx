import type { ReactElement, ReactNode } from 'react';

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'neutral';

/** A short status label. Always has text: colour is never the only signal. */
export function Badge({ tone = 'neutral', icon, children }: { tone?: Tone; icon?: ReactNode; children: ReactNode }): ReactElement {
  return (
    <span className={`badge badge--${tone}`}>
      {icon ? <span className="badge__icon">{icon}</span> : null}
      {children}
    </span>
  );
}

/** A coloured dot followed by its text, for inline states (status bar). */
export function StatusDot({ tone }: { tone: Tone }): ReactElement {
  return <span className={`status-dot status-dot--${tone}`} aria-hidden="true" />;
}
