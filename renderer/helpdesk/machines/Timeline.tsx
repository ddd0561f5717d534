import { useCallback, useEffect, useRef, type ReactElement } from 'react';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { KeyValueList } from '../../ui/KeyValue.js';
import { Loading } from '../../ui/Spinner.js';
import { helpdeskApi } from '../api.js';
import { useLiveResource } from '../hooks.js';
import { useToken } from '../session.js';
import { formatTime, METHOD_LABEL, STATUS_LABEL, STATUS_TONE } from '../words.js';

/** One machine's identity and every event about it, oldest first; Escape closes it. */
export function Timeline({ id, onClose }: { id: string; onClose: () => void }): ReactElement {
  const token = useToken();
  const load = useCallback((signal: AbortSignal) => helpdeskApi(token).call('getMachine', { id }, 'Reading the timeline', signal), [token, id]);
  const detail = useLiveResource(load, id);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [id]);
  const m = detail.data?.machine;
  return (
    <aside
      className="card timeline"
      aria-labelledby="timeline-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="card__header">
        <div className="card__heading">
          <h2 className="card__title" id="timeline-title" ref={heading} tabIndex={-1}>
            {m ? `Timeline of ${m.hostname}` : 'Timeline'}
          </h2>
        </div>
        <div className="card__actions">
          <Button variant="ghost" onClick={onClose}>
            Close
          </Button>
        </div>
      </header>
      <div className="card__body">
        {detail.error && !detail.data ? <ErrorBanner title="The timeline could not be read" message={detail.error} /> : null}
        {!detail.data && !detail.error ? <Loading>Reading the timeline…</Loading> : null}
        {detail.data && m ? (
          <div className="stack">
            <KeyValueList
              columns={2}
              items={[
                { label: 'Status', value: <Badge tone={STATUS_TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge> },
                { label: 'Site', value: m.site ?? '—' },
                { label: 'Serial', value: m.serial ?? '—' },
                { label: 'Asset tag', value: m.assetTag ?? '—' },
                { label: 'Owner', value: m.owner ?? '—' },
                { label: 'Minutes to fix', value: m.minutesToFix === null ? '—' : String(Math.round(m.minutesToFix)) },
              ]}
            />
            {detail.data.timeline.length === 0 ? (
              <p className="muted">No event yet: this machine is pending.</p>
            ) : (
              <ol className="events" aria-label={`Events of ${m.hostname}`}>
                {detail.data.timeline.map((e) => (
                  <li key={e.id} className="events__item">
                    <span className="events__when">{formatTime(e.at)}</span>
                    <Badge tone={STATUS_TONE[e.status]}>{STATUS_LABEL[e.status]}</Badge>
                    <span className="events__who">
                      {[e.technician, e.method ? METHOD_LABEL[e.method] : null].filter(Boolean).join(' · ') || '—'}
                    </span>
                    {e.notes ? <p className="events__notes">{e.notes}</p> : null}
                    {e.files.length > 0 ? <p className="events__files">{e.files.length} file{e.files.length === 1 ? '' : 's'} removed</p> : null}
                  </li>
                ))}
              </ol>
            )}
          </div>
        ) : null}
      </div>
    </aside>
  );
}
