import { useEffect, useState, type ReactElement } from 'react';
import type { RevealedList } from '../../../core/keys/schemas.js';
import { useClient } from '../../state/client.js';
import { useKeys } from './store.js';
import { newestReveals, REVEALED_PAGE } from './revealed-page.js';
import { revealedCsvFileName } from './words.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { RefreshIcon } from '../../ui/icons.js';
import { DownloadIcon } from './icons.js';
import { KeyIdText } from './shared.js';

/** Saves the CSV (no passwords) through a Blob link: no file dialog to build, same in Electron and the browser. */
function downloadCsv(list: RevealedList): void {
  const url = URL.createObjectURL(new Blob([list.csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = revealedCsvFileName(new Date());
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: the download may still be reading the Blob after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Date over time, so the six columns fit the screen. */
function When({ iso }: { iso: string }): ReactElement {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>{iso}</>;
  return (
    <time dateTime={iso} className="revealed-table__when">
      <span>{date.toLocaleDateString(undefined, { dateStyle: 'medium' })}</span>
      <span className="muted">{date.toLocaleTimeString(undefined, { timeStyle: 'short' })}</span>
    </time>
  );
}

/** Every reveal on this laptop, from the audit journal, for the admin who rotates the keys. */
export function RevealedListCard(): ReactElement {
  const client = useClient();
  const list = useKeys((s) => s.revealedList);
  const error = useKeys((s) => s.revealedListError);

  useEffect(() => {
    void useKeys.getState().loadRevealedList(client);
  }, [client]);

  const [limit, setLimit] = useState(REVEALED_PAGE);
  const count = list?.revealed.length ?? 0;
  const { rows, older } = newestReveals(list?.revealed ?? [], limit);
  return (
    <Card
      title="Keys revealed"
      id="keys-revealed"
      description={`Every recovery password shown on this laptop, from the audit log${count > 0 ? ` (${count}, newest first; Export CSV has them all)` : ''}. Passwords are never listed.`}
      actions={
        <Button icon={<DownloadIcon />} disabled={!list || count === 0} onClick={() => list && downloadCsv(list)}>
          Export CSV
        </Button>
      }
    >
      {error && !list ? (
        <ErrorBanner
          title="Could not read the audit log"
          message={error}
          action={
            <Button icon={<RefreshIcon />} onClick={() => void useKeys.getState().loadRevealedList(client)}>
              Retry
            </Button>
          }
        />
      ) : null}
      {list && count === 0 ? <p className="muted">No recovery password has been revealed on this laptop yet.</p> : null}
      {list && count > 0 ? (
        <>
          <div className="table-wrap">
            <table className="table revealed-table" data-testid="revealed-table">
              <caption className="visually-hidden">Keys revealed, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Key ID</th>
                  <th scope="col">Device</th>
                  <th scope="col">PC</th>
                  <th scope="col">Technician</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((entry) => (
                  <tr key={entry.eventId} data-testid="revealed-row">
                    <td>
                      <When iso={entry.at} />
                    </td>
                    <td>
                      <KeyIdText id={entry.keyId} className="revealed-table__id" />
                    </td>
                    <td className="revealed-table__name">{entry.device ?? '—'}</td>
                    <td className="revealed-table__name">{entry.machine}</td>
                    <td>{entry.technician}</td>
                    <td className="revealed-table__reason">{entry.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {older > 0 ? (
            <p className="revealed-more">
              <Button onClick={() => setLimit((shown) => shown + REVEALED_PAGE)} data-testid="revealed-more">
                Show {Math.min(REVEALED_PAGE, older)} older
              </Button>{' '}
              <span className="muted">{older} older not shown</span>
            </p>
          ) : null}
          <div className="rotation">
            <p className="field__label">Have each of these keys rotated</p>
            <p className="muted rotation__advice" data-testid="rotation-advice">
              {list.advice}
            </p>
          </div>
        </>
      ) : null}
    </Card>
  );
}
