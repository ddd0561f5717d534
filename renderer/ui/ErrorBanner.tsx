import type { ReactElement, ReactNode } from 'react';
import { ErrorIcon } from './icons.js';

/**
 * A failure, said in the words the privileged side gave (BootmendError.message), with
 * what the technician can do next. role="alert" so it is announced when it appears.
 */
export function ErrorBanner({ title, message, action }: { title: string; message: string; action?: ReactNode }): ReactElement {
  return (
    <div className="banner banner--danger" role="alert">
      <ErrorIcon size={24} className="banner__icon" />
      <div className="banner__text">
        <p className="banner__title">{title}</p>
        <p className="banner__message">{message}</p>
      </div>
      {action ? <div className="banner__action">{action}</div> : null}
    </div>
  );
}

/** A calm note (information or caution), not announced. */
export function Notice({ tone = 'info', icon, children }: { tone?: 'info' | 'warning' | 'success'; icon?: ReactNode; children: ReactNode }): ReactElement {
  return (
    <div className={`banner banner--${tone}`}>
      {icon ? <span className="banner__icon">{icon}</span> : null}
      <div className="banner__text">{children}</div>
    </div>
  );
}
