import type { ReactElement } from 'react';
import type { MachineDetail } from '../../../core/journal/schemas.js';
import { Badge } from '../../ui/Badge.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { Loading } from '../../ui/Spinner.js';
import { PATH_LABEL, STATUS_LABEL, STATUS_TONE, eventLine, shortTime, workedTime } from './words.js';

/** One machine: what it is, where it stands, and every event in the order it was saved. */
export function MachineTimeline({ detail, error, onClose }: { detail: MachineDetail | null; error: string | null; onClose: () => void }): ReactElement {
  if (error) return <ErrorBanner title="Could not open this machine" message={error} />;
  if (!detail) {
    return (
      <Card title="Timeline">
        <Loading>Reading the machine&rsquo;s events…</Loading>
      </Card>
    );
  }
  const { state, events } = detail;
  const facts: [string, string][] = [
    ['Serial', state.machine.serial ?? '—'],
    ['Asset tag', state.machine.assetTag ?? '—'],
    ['Site', state.machine.site ?? '—'],
    ['Path', state.path ? PATH_LABEL[state.path] : '—'],
    ['Time spent', workedTime(state.secondsWorked)],
    ['Key ID used', state.keyIdUsed ?? '—'],
    ['Files removed', state.filesRemoved.length === 0 ? 'none' : state.filesRemoved.join(', ')],
  ];
  return (
    <Card
      title={state.machine.hostname}
      description={state.openFor === 'helpdesk' ? 'Open for the helpdesk: reimage or follow-up still to do.' : state.openFor === null ? 'Closed.' : 'Open: still with the technician.'}
      actions={
        <>
          <Badge tone={STATUS_TONE[state.status]}>{STATUS_LABEL[state.status]}</Badge>
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Close
          </button>
        </>
      }
      testId="machine-timeline"
    >
      <dl className="timeline__facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {state.notes ? <p className="timeline__notes">“{state.notes}”</p> : null}
      <ol className="timeline" aria-label={`Events of ${state.machine.hostname}`}>
        {events.map((event) => (
          <li key={String(event.id)} className="timeline__event">
            <time dateTime={String(event.at)}>{shortTime(String(event.at))}</time>
            <span>{eventLine(event)}</span>
            <span className="muted">{String(event.technician ?? '')}</span>
          </li>
        ))}
      </ol>
    </Card>
  );
}
