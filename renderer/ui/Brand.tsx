import type { ReactElement } from 'react';
import { LogoMark } from './icons.js';

/** The logo, "Bootmend" and which app this is (Technician, Helpdesk…), as every app header shows them. */
export function Brand({ tag, size }: { tag: string; size?: number }): ReactElement {
  return (
    <div className="brand">
      <LogoMark {...(size === undefined ? {} : { size })} />
      <div className="brand__text">
        <span className="brand__name">Bootmend</span>
        <span className="brand__tag">{tag}</span>
      </div>
    </div>
  );
}
