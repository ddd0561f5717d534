import type { ReactElement } from 'react';
import { Button } from './Button.js';
import { StopIcon } from './icons.js';

/**
 * Cancel for a running job (a build, a drive write). It takes focus when it appears: the
 * form and its buttons are hidden while the job runs, so this is the one thing left to do.
 */
export function CancelButton({ cancelling, onCancel }: { cancelling: boolean; onCancel: () => void }): ReactElement {
  return (
    <Button autoFocus icon={<StopIcon />} busy={cancelling} aria-disabled={cancelling || undefined} onClick={onCancel}>
      {cancelling ? 'Cancelling…' : 'Cancel'}
    </Button>
  );
}
