import type { ReactElement } from 'react';
import { isActive, jobProgress } from '../../state/job.js';
import { driveTitle } from './rules.js';
import { useDrives } from './store.js';
import { describeMismatch, shortHash } from './words.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { CheckCircleIcon, InfoIcon, SearchIcon, StopIcon } from '../../ui/icons.js';
import { ProgressBar } from '../../ui/ProgressBar.js';

/** "Check a stick": reads one drive back and compares it with the image, without writing. */
export function CheckStick(): ReactElement | null {
  const check = useDrives((s) => s.check);
  const device = useDrives((s) => s.checkDevice);
  const drives = useDrives((s) => s.list.drives);
  if (check.status === 'idle') return null;
  const drive = drives?.find((d) => d.device === device);
  // A drive with no vendor or model (a loop device) is named by its device path alone.
  const name = drive && driveTitle(drive) !== drive.device ? `${driveTitle(drive)} (${device})` : (device ?? '');
  const running = isActive(check);
  const progress = jobProgress(check);

  return (
    <Card
      title={`Checking ${name}`}
      id="drive-check"
      icon={<SearchIcon size={24} />}
      description="Reads the drive back and compares every byte with the image; nothing is written."
      actions={
        running ? (
          <Button icon={<StopIcon />} busy={check.status === 'cancelling'} onClick={() => useDrives.getState().cancelCheck()}>
            {check.status === 'cancelling' ? 'Cancelling…' : 'Stop checking'}
          </Button>
        ) : (
          <Button variant="ghost" onClick={() => useDrives.getState().dismissCheck()}>
            Close
          </Button>
        )
      }
    >
      <div data-testid="drive-check" className="stack">
        {running ? (
          <ProgressBar
            label="Check progress"
            fraction={progress?.fraction ?? null}
            message={progress?.message ?? 'Reading the drive…'}
            {...(progress && progress.bytesTotal ? { detail: `${Math.round((progress.bytesDone / progress.bytesTotal) * 100)}% read` } : {})}
          />
        ) : null}
        {check.status === 'done' && check.result.match ? (
          <Notice tone="success" icon={<CheckCircleIcon size={22} />}>
            <p>
              <strong>{describeMismatch(check.result)}</strong> SHA-256 <span className="mono" title={check.result.sha256Image}>{shortHash(check.result.sha256Image)}</span>
            </p>
          </Notice>
        ) : null}
        {check.status === 'done' && !check.result.match ? (
          <ErrorBanner title="This drive does not hold the image" message={describeMismatch(check.result)} />
        ) : null}
        {check.status === 'failed' ? <ErrorBanner title="The drive could not be checked" message={check.failure.message} /> : null}
        {check.status === 'cancelled' ? (
          <Notice icon={<InfoIcon size={22} />}>
            <p>Check stopped; the drive was only read, never written.</p>
          </Notice>
        ) : null}
      </div>
    </Card>
  );
}
