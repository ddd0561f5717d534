import type { ReactElement } from 'react';
import type { VaultStatus } from '../../../core/keys/schemas.js';
import { useClient } from '../../state/client.js';
import { useKeys } from './store.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { AlertIcon, CheckCircleIcon, LockIcon } from '../../ui/icons.js';
import { formatWhen } from './shared.js';

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** One line while the vault is open: what it holds, until when, and the way to close it. */
export function VaultBar({ status }: { status: VaultStatus }): ReactElement {
  const client = useClient();
  const keys = status.keys ?? 0;
  return (
    <>
      <section className="vault-bar" aria-label="Key vault" data-testid="vault-bar">
        <Badge tone={status.expired ? 'danger' : 'success'} icon={status.expired ? <AlertIcon size={16} /> : <CheckCircleIcon size={16} />}>
          {status.expired ? 'Expired' : 'Unlocked'}
        </Badge>
        <p className="vault-bar__facts" data-testid="vault-counts">
          <strong>{plural(keys, 'key', 'keys')}</strong> for {plural(status.devices ?? 0, 'device', 'devices')}
          <span className="vault-bar__sep" aria-hidden="true">
            ·
          </span>
          {status.expiresAt ? <>{status.expired ? 'expired' : 'expires'} {formatWhen(status.expiresAt, false)}</> : 'no expiry date'}
          {status.autoLockMinutes ? (
            <>
              <span className="vault-bar__sep" aria-hidden="true">
                ·
              </span>
              <span className="muted">locks after {status.autoLockMinutes} min unused</span>
            </>
          ) : null}
        </p>
        <Button icon={<LockIcon />} onClick={() => void useKeys.getState().lock(client)} className="vault-bar__lock">
          Lock
        </Button>
      </section>
      {status.expired ? (
        <ErrorBanner
          title="This key vault has expired"
          message={`Its keys can no longer be looked up${status.expiresAt ? ` (expired ${formatWhen(status.expiresAt, false)})` : ''}. Import a fresh export with a new expiry date below, or wipe the vault.`}
        />
      ) : null}
    </>
  );
}
