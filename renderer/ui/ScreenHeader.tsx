import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { useNavigation } from '../state/navigation.js';

/**
 * The top of every screen: its <h1> (the screen's name), a sentence on what it is for,
 * and its actions. After keyboard navigation (Alt+1..6) focus lands on the heading.
 */
export function ScreenHeader({ title, lead, actions }: { title: string; lead: ReactNode; actions?: ReactNode }): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null);
  const focusRequest = useNavigation((s) => s.focusRequest);
  const focusHeading = useNavigation((s) => s.focusHeading);
  useEffect(() => {
    // Runs on mount and on each new request; a plain click (focusHeading false) leaves focus on the link.
    if (focusHeading) heading.current?.focus();
  }, [focusRequest, focusHeading]);
  return (
    <header className="screen__header">
      <div className="screen__heading">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        <p className="screen__lead">{lead}</p>
      </div>
      {actions ? <div className="screen__actions">{actions}</div> : null}
    </header>
  );
}
