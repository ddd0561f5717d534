import { type ReactElement } from 'react';
import { UNDO_WINDOW_MS } from '../../../core/recover/outcome.js';
import { useClient } from '../../state/client.js';
import { Button } from '../../ui/Button.js';
import { CheckCircleIcon, CrossCircleIcon } from '../../ui/icons.js';
import { formatCountdown, useNow } from '../keys/shared.js';
import { useRecover } from './store.js';
import { outcomeSaved } from './words.js';

/** The outcome just saved, with Undo (or Ctrl+Z) while the window lasts. */
export function UndoToast(): ReactElement | null {
  const client = useClient();
  const last = useRecover((s) => s.lastOutcome);
  const busy = useRecover((s) => s.busy);
  const now = useNow(500);
  if (!last) return null;
  return (
    <div className="toast" role="status" data-testid="undo-toast">
      <CheckCircleIcon size={20} />
      <span className="toast__text">{outcomeSaved(last.hostname, last.outcome)}</span>
      <Button variant="primary" busy={busy} onClick={() => void useRecover.getState().undo(client)} aria-keyshortcuts="Control+Z">
        Undo ({formatCountdown(last.savedAt + UNDO_WINDOW_MS - now)})
      </Button>
      <Button variant="ghost" icon={<CrossCircleIcon />} aria-label="Dismiss" onClick={() => useRecover.getState().dismissUndo()}>
        {''}
      </Button>
    </div>
  );
}
