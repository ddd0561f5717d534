import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactElement } from 'react';
import { Badge } from '../../ui/Badge.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { Spinner } from '../../ui/Spinner.js';
import { formatCount, formatTime, METHOD_LABEL, STATUS_LABEL, STATUS_TONE } from '../words.js';
import type { MachinePages } from './pages.js';

const ROW_HEIGHT = 44;

/**
 * The machines as a table whose rows exist only while on screen (@tanstack/react-virtual), so
 * a fleet of tens of thousands scrolls smoothly; the next page is read as the end comes near.
 */
export function MachineTable({ pages, openId, onOpen }: { pages: MachinePages; openId: string | null; onOpen: (id: string) => void }): ReactElement {
  const scroller = useRef<HTMLDivElement>(null);
  const { rows, more, loading, error, loadMore } = pages;
  // The virtualizer keeps its own mutable state, which the React Compiler cannot memoize around; it re-renders through its own subscription.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (more && lastIndex >= rows.length - 40) loadMore();
  }, [lastIndex, rows.length, more, loadMore]);

  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div className="machine-table">
      {error ? <ErrorBanner title="The machines could not be read" message={error} /> : null}
      <p className="machine-table__count" aria-live="polite">
        {loading && rows.length === 0 ? 'Reading the machines…' : more ? `${formatCount(rows.length)} machines shown; scroll for more` : `${formatCount(rows.length)} machine${rows.length === 1 ? '' : 's'}`}
        {loading ? <Spinner size="sm" /> : null}
      </p>
      <div className="machine-table__scroll table-wrap" ref={scroller} tabIndex={0} role="region" aria-label="Machine list (scrolls)">
        <table className="table" aria-rowcount={rows.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">Hostname</th>
              <th scope="col">Site</th>
              <th scope="col">Status</th>
              <th scope="col">Method</th>
              <th scope="col">Technician</th>
              <th scope="col">Last event</th>
            </tr>
          </thead>
          <tbody>
            {top > 0 ? (
              <tr aria-hidden="true" className="spacer">
                <td colSpan={6} style={{ height: top }} />
              </tr>
            ) : null}
            {items.map((item) => {
              const m = rows[item.index]!;
              return (
                <tr key={m.id} aria-rowindex={item.index + 2} aria-selected={m.id === openId} className={m.id === openId ? 'row--open' : undefined} style={{ height: ROW_HEIGHT }}>
                  <td>
                    <button type="button" className="link-button" onClick={() => onOpen(m.id)} aria-label={`${m.hostname}: open its timeline`}>
                      {m.hostname}
                    </button>
                  </td>
                  <td>{m.site ?? '—'}</td>
                  <td>
                    <Badge tone={STATUS_TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge>
                  </td>
                  <td>{m.method ? METHOD_LABEL[m.method] : '—'}</td>
                  <td>{m.technician ?? '—'}</td>
                  <td className="num">{m.lastEventAt ? formatTime(m.lastEventAt) : '—'}</td>
                </tr>
              );
            })}
            {bottom > 0 ? (
              <tr aria-hidden="true" className="spacer">
                <td colSpan={6} style={{ height: bottom }} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {!loading && rows.length === 0 && !error ? <p className="machine-table__empty">No machine matches these filters.</p> : null}
      </div>
    </div>
  );
}
