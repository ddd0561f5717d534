import { createContext, useContext, useEffect, useRef, type ReactElement, type ReactNode } from 'react';

/**
 * When the screen's heading should take focus: `request` changes on each keyboard jump
 * (a screen shortcut, the skip link) with `focus` true. The app shell provides it from
 * its navigation store; ui/ knows no store.
 */
export interface HeadingFocus {
  request: number;
  focus: boolean;
}

export const HeadingFocusContext = createContext<HeadingFocus>({ request: 0, focus: false });

/**
 * The top of every screen: its <h1> (the screen's name), a sentence on what it is for,
 * and its actions. After keyboard navigation (HeadingFocusContext) focus lands on the heading.
 */
export function ScreenHeader({ title, lead, actions }: { title: string; lead: ReactNode; actions?: ReactNode }): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null);
  const { request, focus } = useContext(HeadingFocusContext);
  useEffect(() => {
    // Runs on mount and on each new request; a plain click (focus false) leaves focus on the link.
    if (focus) heading.current?.focus();
  }, [request, focus]);
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
