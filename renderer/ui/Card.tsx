import type { ReactElement, ReactNode, Ref } from 'react';

export interface CardProps {
  title?: ReactNode;
  /** A sentence under the title: what this card is for. */
  description?: ReactNode;
  /** Buttons shown at the right of the title. */
  actions?: ReactNode;
  icon?: ReactNode;
  /** Extra classes for the icon's tile, e.g. a tone. */
  iconClassName?: string;
  /** The heading, for moving the keyboard focus to it (focusable by script, not by Tab). */
  headingRef?: Ref<HTMLHeadingElement>;
  testId?: string;
  children?: ReactNode;
  className?: string;
  /** Labels the section for assistive technology; defaults to the title. */
  id?: string;
}

export function Card({ title, description, actions, icon, iconClassName, headingRef, testId, children, className, id }: CardProps): ReactElement {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={['card', className].filter(Boolean).join(' ')} aria-labelledby={title ? headingId : undefined} id={id} data-testid={testId}>
      {title || actions ? (
        <header className="card__header">
          {icon ? <span className={['card__icon', iconClassName].filter(Boolean).join(' ')}>{icon}</span> : null}
          <div className="card__heading">
            {title ? (
              <h2 className="card__title" id={headingId} ref={headingRef} tabIndex={headingRef ? -1 : undefined}>
                {title}
              </h2>
            ) : null}
            {description ? <p className="card__description">{description}</p> : null}
          </div>
          {actions ? <div className="card__actions">{actions}</div> : null}
        </header>
      ) : null}
      {children !== undefined ? <div className="card__body">{children}</div> : null}
    </section>
  );
}
