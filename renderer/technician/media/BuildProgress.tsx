import type { ReactElement } from 'react';
import { formatBytes, formatDuration, type ProgressEvent } from '../../../core/progress.js';
import { jobProgress } from '../../state/job.js';
import { useMedia } from './store.js';
import { Card } from '../../ui/Card.js';
import { CancelButton } from '../../ui/CancelButton.js';
import { MediaIcon } from '../../ui/icons.js';
import { KeyValueList } from '../../ui/KeyValue.js';
import { ProgressBar } from '../../ui/ProgressBar.js';
import { formatLabel } from './OutputStep.js';

const PHASES: Record<string, string> = {
  preparing: 'Preparing',
  writing: 'Writing',
  hashing: 'Checking (SHA-256)',
};

export function phaseLabel(phase: string | undefined): string {
  return phase === undefined ? 'Starting' : (PHASES[phase] ?? phase);
}

/** The live build: phase, bar, bytes, speed, time left, and Cancel. */
export function BuildProgress({ out }: { out: string }): ReactElement {
  const cancelling = useMedia((s) => s.building.status === 'cancelling');
  const progress = useMedia((s) => jobProgress(s.building));
  const format = useMedia((s) => s.format);
  const playbookId = useMedia((s) => s.playbookId);

  return (
    <Card
      title={`Building the ${formatLabel(format)}`}
      id="media-progress"
      icon={<MediaIcon size={24} />}
      description={
        <>
          Playbook <span className="mono">{playbookId}</span> → <span className="mono break">{out}</span>
        </>
      }
      actions={<CancelButton cancelling={cancelling} onCancel={() => useMedia.getState().cancel()} />}
    >
      <div data-testid="build-progress" className="stack">
        <ProgressBar
          label="Build progress"
          fraction={progress?.fraction ?? null}
          message={cancelling ? 'Cancelling…' : (progress?.message ?? 'Starting the build…')}
          {...(progress && hasBytes(progress) ? { detail: `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal!)}` } : {})}
        />
        <KeyValueList
          columns={4}
          items={[
            { label: 'Phase', value: phaseLabel(progress?.phase), testId: 'progress-phase' },
            { label: 'Done', value: progress && hasBytes(progress) ? `${formatBytes(progress.bytesDone)} / ${formatBytes(progress.bytesTotal!)}` : '—' },
            { label: 'Speed', value: progress && hasBytes(progress) && progress.speed !== null ? `${formatBytes(progress.speed)}/s` : '—' },
            { label: 'Time left', value: progress && hasBytes(progress) ? formatDuration(progress.etaSeconds) : '—' },
          ]}
        />
      </div>
    </Card>
  );
}

/** "Preparing" reports steps (0 of 1), not bytes: say nothing rather than "0 B of 1 B". */
function hasBytes(progress: ProgressEvent): boolean {
  return progress.phase !== 'preparing' && progress.bytesTotal !== null;
}
