import type { ReactElement } from 'react';
import type { Status } from '../../../core/app/contract.js';
import { useClient } from '../../state/client.js';
import { useAppInfo, useStatus } from '../../state/resources.js';
import { StatusDot, type Tone } from '../../ui/Badge.js';
import { syncShort } from '../sync/sync-words.js';
import { hostLabel } from './labels.js';

const BACKEND: Record<Status['backend']['state'], { tone: Tone; label: string }> = {
  online: { tone: 'success', label: 'Online' },
  offline: { tone: 'danger', label: 'Offline' },
  'not-configured': { tone: 'neutral', label: 'Not configured' },
};

/** Backend connection, journal backlog, host and version; refreshed by App's polling. */
export function StatusBar(): ReactElement {
  const client = useClient();
  const status = useStatus((s) => s.data);
  const statusError = useStatus((s) => s.error);
  const version = useAppInfo((s) => s.data?.version);

  let backend: { tone: Tone; label: string; detail: string | null };
  if (statusError) backend = { tone: 'danger', label: 'Unknown', detail: statusError };
  else if (!status) backend = { tone: 'neutral', label: 'Checking…', detail: null };
  else {
    const { state, url, detail } = status.backend;
    backend = {
      ...BACKEND[state],
      detail: state === 'not-configured' ? 'add its URL in Settings' : state === 'online' ? url : (detail ?? url),
    };
  }
  const sync = status?.sync ? syncShort(status.sync) : null;
  const canSync = status?.sync.target.source != null && !status.sync.running && (status.sync.waiting > 0 || status.sync.failure !== null);

  return (
    <footer className="statusbar" aria-label="Status">
      <p className="statusbar__item statusbar__item--grow" data-testid="status-backend" data-state={status?.backend.state ?? 'unknown'} title={backend.detail ?? undefined}>
        <StatusDot tone={backend.tone} />
        <span className="statusbar__key">Backend:</span>
        <strong>{backend.label}</strong>
        {backend.detail ? <span className="statusbar__detail">— {backend.detail}</span> : null}
      </p>
      <p className="statusbar__item" data-testid="status-pending-sync" data-tone={sync?.tone} title={status?.sync.failure?.detail}>
        {sync ? <StatusDot tone={sync.tone} /> : null}
        <span className="statusbar__key">Journal:</span>
        {sync ? sync.text : '—'}
        {canSync ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              void client
                .call('syncNow', {})
                .catch(() => undefined)
                .finally(() => void useStatus.getState().load(client));
            }}
          >
            Sync now
          </button>
        ) : null}
      </p>
      <p className="statusbar__item" data-testid="status-host">
        {hostLabel(client.host)}
      </p>
      <p className="statusbar__item" data-testid="status-version">
        {version ? `Version ${version}` : 'Version —'}
      </p>
    </footer>
  );
}
