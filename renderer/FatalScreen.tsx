import type { ReactElement } from 'react';
import { ErrorIcon, LogoMark } from './ui/icons.js';

/** Shown instead of the app when it cannot reach its privileged side at all (no token, no bridge). */
export function FatalScreen({ message }: { message: string }): ReactElement {
  return (
    <main className="fatal">
      <div className="fatal__panel" role="alert">
        <div className="fatal__brand">
          <LogoMark size={40} />
          <span className="brand__name">Bootmend</span>
        </div>
        <h1 className="fatal__title">
          <ErrorIcon size={30} /> Bootmend cannot start
        </h1>
        <p className="fatal__message">{message}</p>
      </div>
    </main>
  );
}
