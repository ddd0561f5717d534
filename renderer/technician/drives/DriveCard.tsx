import type { ReactElement } from 'react';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { formatBytes } from '../../../core/progress.js';
import { driveTitle } from './rules.js';
import { blockedReason, driveWarnings, kindLabel } from './words.js';
import { AlertIcon, ErrorIcon } from '../../ui/icons.js';
import { DriveKindIcon } from './DriveKindIcon.js';

const BUS_NAMES: Record<DriveEntry['bus'], string> = {
  usb: 'USB',
  sd: 'SD',
  sata: 'SATA',
  nvme: 'NVMe',
  virtual: 'Virtual',
  scsi: 'SCSI',
  unknown: '',
};

/**
 * One drive as a tickable card: what it is, how big, what is on it, and — when it may not be
 * chosen — why, in the guard's words. The whole card is the checkbox's label.
 */
export function DriveCard({ drive, checked, onToggle }: { drive: DriveEntry; checked: boolean; onToggle: () => void }): ReactElement {
  const id = `drive-${drive.device.replace(/[^A-Za-z0-9]/g, '-')}`;
  const blocked = blockedReason(drive);
  // A drive that cannot be chosen needs only the reason why; its other notes would be noise.
  const warnings = blocked ? [] : driveWarnings(drive);
  const title = driveTitle(drive);
  const bus = BUS_NAMES[drive.bus];
  return (
    <li className={['drive-card', blocked ? 'drive-card--blocked' : '', checked ? 'drive-card--chosen' : ''].filter(Boolean).join(' ')} data-testid="drive-card" data-device={drive.device}>
      <label className="drive-card__main">
        <input
          type="checkbox"
          className="drive-card__check"
          checked={checked}
          disabled={!drive.selectable}
          onChange={onToggle}
          aria-labelledby={`${id}-title ${id}-size`}
          aria-describedby={`${id}-meta${blocked ? ` ${id}-blocked` : ''}${warnings.length > 0 ? ` ${id}-warnings` : ''}`}
        />
        <span className={`card__icon drive-card__icon drive-card__icon--${drive.kind}`}>
          <DriveKindIcon kind={drive.kind} />
        </span>
        <span className="drive-card__text">
          <span className="drive-card__title-row">
            <span className="drive-card__title" id={`${id}-title`}>
              {title}
            </span>
            <span className="drive-card__size" id={`${id}-size`} title={`${drive.size.toLocaleString('en-US')} bytes`}>
              {formatBytes(drive.size)}
            </span>
          </span>
          <span className="drive-card__meta" id={`${id}-meta`}>
            <span>{kindLabel(drive.kind)}</span>
            {bus ? <span>{bus}</span> : null}
            {title === drive.device ? null : <span className="mono">{drive.device}</span>}
            {drive.labels.length > 0 ? <span>Label {drive.labels.map((l) => `“${l}”`).join(', ')}</span> : null}
            {drive.mounts.length > 0 ? (
              <span>
                Mounted at <span className="mono">{drive.mounts.join(', ')}</span>
              </span>
            ) : null}
          </span>
        </span>
      </label>
      {blocked ? (
        <p className="drive-card__note drive-card__note--blocked" id={`${id}-blocked`}>
          <ErrorIcon size={18} />
          <span>{blocked}</span>
        </p>
      ) : null}
      {warnings.length > 0 ? (
        <div id={`${id}-warnings`}>
          {warnings.map((warning) => (
            <p key={warning} className="drive-card__note drive-card__note--warning">
              <AlertIcon size={18} />
              <span>{warning}</span>
            </p>
          ))}
        </div>
      ) : null}
    </li>
  );
}
