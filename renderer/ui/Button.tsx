import type { ButtonHTMLAttributes, ReactElement, ReactNode, Ref } from 'react';
import { Spinner } from './Spinner.js';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  /** Shown before the label; replaced by a spinner while busy. */
  icon?: ReactNode;
  /** Work in progress: shows a spinner and sets aria-busy; the button stays focusable. */
  busy?: boolean;
  /** React 19 passes ref as a prop: it lands on the <button>. */
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', icon, busy = false, className, children, type = 'button', ...rest }: ButtonProps): ReactElement {
  return (
    <button type={type} className={['btn', `btn--${variant}`, className].filter(Boolean).join(' ')} aria-busy={busy || undefined} {...rest}>
      {busy ? <Spinner size="sm" /> : icon ? <span className="btn__icon">{icon}</span> : null}
      <span>{children}</span>
    </button>
  );
}
