import type { ReactElement, ReactNode } from 'react';

export interface EmptyStateProps {
  icon: ReactNode;
  /** A badge above the title, e.g. "Not available in this version yet". */
  badge?: ReactNode;
  title: string;
  children: ReactNode;
  /** Usually one (disabled) primary button with its explanation. */
  action?: ReactNode;
}

export function EmptyState({ icon, badge, title, children, action }: EmptyStateProps): ReactElement {
  return (
    <section className="empty" aria-label={title}>
      <div className="empty__icon">{icon}</div>
      <div className="empty__content">
        {badge ? <div className="empty__badge">{badge}</div> : null}
        <h2 className="empty__title">{title}</h2>
        <div className="empty__body">{children}</div>
        {action ? <div className="empty__action">{action}</div> : null}
      </div>
    </section>
  );
}
