import { useEffect, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { useKeys, vaultPhase } from './store.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { RefreshIcon } from '../../ui/icons.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { Loading } from '../../ui/Spinner.js';
import { useRefresh } from '../../ui/useRefresh.js';
import { GraphSignInBox } from './GraphSignInBox.js';
import { ImportCard } from './ImportCard.js';
import { LookupCard } from './LookupCard.js';
import { OnlineLookupCard } from './OnlineLookupCard.js';
import { RevealedListCard } from './RevealedListCard.js';
import { RevealView, windowClipboard } from './RevealView.js';
import { CreateVaultCard, UnlockCard } from './VaultGate.js';
import { VaultBar } from './VaultBar.js';
import { WipeCard } from './WipeCard.js';
import './keys.css';

/** The vault locks itself after idle time on the privileged side; look often enough to follow it. */
const STATUS_POLL_MS = 15_000;

let pendingHide: ReturnType<typeof setTimeout> | null = null;

/** The Keys screen: vault (create / unlock / status) → lookup → audited reveal; import, revealed list, wipe. */
export function KeysScreen(): ReactElement {
  const client = useClient();
  const status = useKeys((s) => s.status);
  const statusError = useKeys((s) => s.statusError);
  const revealed = useKeys((s) => s.revealed);
  const phase = vaultPhase(status, statusError);

  useRefresh(() => void useKeys.getState().refresh(client), STATUS_POLL_MS, [client]);

  useEffect(() => {
    // Leaving the screen hides the password and wipes a copied one from the clipboard. Deferred
    // one tick so React's development double-mount (StrictMode) does not hide it at once.
    if (pendingHide) clearTimeout(pendingHide);
    pendingHide = null;
    return () => {
      pendingHide = setTimeout(() => useKeys.getState().hide(windowClipboard()), 0);
    };
  }, []);

  return (
    <>
      <ScreenHeader title="Keys" lead="Find the BitLocker recovery password for the PC that is asking for one." />
      <div className="stack keys">
        {phase === 'loading' ? (
          <div className="card">
            <div className="card__body">
              <Loading>Opening the key vault…</Loading>
            </div>
          </div>
        ) : null}
        {phase === 'unavailable' ? (
          <ErrorBanner
            title="Could not reach the key vault"
            message={statusError ?? ''}
            action={
              <Button icon={<RefreshIcon />} onClick={() => void useKeys.getState().refresh(client)}>
                Retry
              </Button>
            }
          />
        ) : null}
        {phase === 'absent' ? <CreateVaultCard /> : null}
        {phase === 'locked' ? <UnlockCard /> : null}
        {phase === 'absent' || phase === 'locked' ? revealed ? <RevealView revealed={revealed} /> : <OnlineLookupCard vault={phase} /> : null}
        {phase === 'unlocked' && status ? (
          <>
            <VaultBar status={status} />
            {revealed ? null : <GraphSignInBox />}
            {revealed ? <RevealView revealed={revealed} /> : <LookupCard disabled={status.expired} />}
            <ImportCard />
          </>
        ) : null}
        {phase !== 'loading' && phase !== 'unavailable' ? <RevealedListCard /> : null}
        {status?.exists ? <WipeCard /> : null}
      </div>
    </>
  );
}
