import type { ReactElement } from 'react';
import { jobProgress } from '../../state/job.js';
import { useDrives } from './store.js';
import { fileName, overallProgress, phaseAnnouncement, progressRows, type DriveProgressRow } from './words.js';
import { Badge, type Tone } from '../../ui/Badge.js';
import { CancelButton } from '../../ui/CancelButton.js';
import { Card } from '../../ui/Card.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { InfoIcon, MediaIcon } from '../../ui/icons.js';
import { KeyValueList } from '../../ui/KeyValue.js';
import { ProgressBar } from '../../ui/ProgressBar.js';

const PHASE_TONES: Record<NonNullable<DriveProgressRow['phase']>, Tone> = {
  preparing: 'neutral',
  writing: 'info',
  verifying: 'info',
  done: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

/** The write in flight: the overall bar (slowest drive), one row per drive, and Cancel. */
export function WriteProgress(): ReactElement {
  const request = useDrives((s) => s.request);
  const progress = useDrives((s) => jobProgress(s.writing));
  const cancelling = useDrives((s) => s.writing.status === 'cancelling');
  const drives = request?.drives ?? [];
  const rows = progressRows(drives, progress);
  const overall = overallProgress(progress);

  return (
    <Card
      title={`Writing ${fileName(request?.image ?? '')} to ${drives.length} ${drives.length === 1 ? 'drive' : 'drives'}`}
      id="drive-write-progress"
      icon={<MediaIcon size={24} />}
      description={<span className="mono break">{request?.image}</span>}
      actions={<CancelButton cancelling={cancelling} onCancel={() => useDrives.getState().cancelWrite()} />}
    >
      <div className="stack" data-testid="write-progress">
        <ProgressBar label="Overall progress" fraction={overall.fraction} message={cancelling ? 'Cancelling…' : overall.message || `${overall.phaseLabel}…`} />
        <KeyValueList
          columns={3}
          items={[
            { label: 'Slowest drive', value: overall.phaseLabel, testId: 'write-phase' },
            { label: 'Speed', value: overall.speed },
            { label: 'Time left', value: overall.eta },
          ]}
        />
        {/* Announces phase changes only ("Verifying: 2 drives"), not every percent. */}
        <p className="visually-hidden" role="status" aria-live="polite">
          {phaseAnnouncement(rows)}
        </p>
        <ul className="write-rows" aria-label="Drives being written">
          {rows.map((row) => (
            <WriteRow key={row.device} row={row} />
          ))}
        </ul>
        <Notice icon={<InfoIcon size={22} />}>
          <p>Leave every drive plugged in until it says Done. A drive that fails stops alone; the others carry on.</p>
        </Notice>
      </div>
    </Card>
  );
}

function WriteRow({ row }: { row: DriveProgressRow }): ReactElement {
  return (
    <li className="write-row" data-testid="write-row" data-device={row.device}>
      <div className="write-row__head">
        <p className="write-row__title">
          {row.title} <span className="muted">{row.size}</span> {row.title === row.device ? null : <span className="mono muted">{row.device}</span>}
        </p>
        <span data-testid="write-row-phase">
          <Badge tone={row.phase ? PHASE_TONES[row.phase] : 'neutral'}>{row.phaseLabel}</Badge>
        </span>
      </div>
      {/* The badge says the phase; the bar's line says how much. */}
      <ProgressBar label={`${row.title === row.device ? row.device : `${row.title} (${row.device})`} progress`} fraction={row.fraction} message={row.bytes === '—' ? `${row.phaseLabel}…` : row.bytes} />
      <p className="write-row__numbers muted">
        <span>Speed {row.speed}</span>
        <span>Time left {row.eta}</span>
      </p>
    </li>
  );
}
