import { useRef, type ReactElement } from 'react';
import type { RecoveryPath } from '../../../core/journal/schemas.js';
import { PATH_INFO, RECOVERY_PATHS } from '../../../core/recover/walkthrough.js';
import { CheckIcon } from '../../ui/icons.js';
import { useRecoverFocus } from './shared.js';

/** Step 1: how to get a command prompt on this PC. Keys 1, 2, 3 choose; the buttons take Enter. */
export function PathChoice({ current, busy, onChoose }: { current: RecoveryPath | null; busy: boolean; onChoose: (path: RecoveryPath) => void }): ReactElement {
  const first = useRef<HTMLButtonElement>(null);
  useRecoverFocus('path', first);
  return (
    <section className="walk-stage" aria-labelledby="recover-path-title" data-testid="path-choice">
      <h2 className="walk-stage__title" id="recover-path-title">
        1 · Choose the way in
      </h2>
      <p className="muted">Press 1, 2 or 3, or choose below. The timer for this machine starts now.</p>
      <div className="paths">
        {RECOVERY_PATHS.map((path, index) => {
          const info = PATH_INFO[path];
          return (
            <button
              key={path}
              ref={index === 0 ? first : undefined}
              type="button"
              className="path-card"
              aria-pressed={current === path}
              aria-describedby={`recover-path-${path}-when`}
              disabled={busy}
              onClick={() => onChoose(path)}
            >
              <span className="path-card__key" aria-hidden="true">
                {index + 1}
              </span>
              <span className="path-card__text">
                <span className="path-card__label">
                  {info.label}
                  {current === path ? <CheckIcon size={18} /> : null}
                </span>
                <span className="path-card__when" id={`recover-path-${path}-when`}>
                  {info.useWhen}
                </span>
              </span>
            </button>
          );
        })}
      </div>
    </section>
  );
}
