import type { ReactElement } from 'react';
import type { Disk, ThisLaptopOverview } from '../../../core/this-laptop/schemas.js';
import { formatBytes } from '../../../core/progress.js';
import { Badge } from '../../ui/Badge.js';
import { Card } from '../../ui/Card.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { LockIcon } from '../../ui/icons.js';
import { KeyValueList, type KeyValueItem } from '../../ui/KeyValue.js';
import { describeBus, describeOs, firmwareValue, formatTime, KIND_LABELS } from './words.js';

/** This laptop's system and every disk it can see, the system disk marked. */
export function Overview({ overview }: { overview: ThisLaptopOverview }): ReactElement {
  const { cpu } = overview;
  const items: KeyValueItem[] = [
    { label: 'Hostname', value: overview.hostname || 'Unknown', testId: 'this-laptop-hostname' },
    ...optional('Manufacturer', overview.manufacturer),
    ...optional('Model', overview.model),
    ...optional('Serial number', overview.serial, true),
    { label: 'Operating system', value: describeOs(overview) },
    { label: 'Memory', value: formatBytes(overview.memoryBytes) },
    { label: 'Processor', value: cpu.brand || 'Unknown' },
    ...(cpu.cores > 0 ? [{ label: 'Cores', value: String(cpu.cores) }] : []),
  ];
  const hasSystemDisk = overview.disks.some((disk) => disk.isSystem);
  return (
    <div className="stack">
      <Card title="System" id="this-laptop-system" description={`Read at ${formatTime(overview.collectedAt)}.`}>
        <KeyValueList items={items} columns={3} />
      </Card>
      <Card
        title="Disks"
        id="this-laptop-disks"
        description={`${overview.disks.length} ${overview.disks.length === 1 ? 'disk' : 'disks'} attached to this laptop.`}
      >
        {hasSystemDisk ? (
          <Notice tone="warning" icon={<LockIcon size={22} />}>
            <p>
              <strong>The system disk runs this laptop.</strong> Bootmend never offers it as a write target.
            </p>
          </Notice>
        ) : null}
        {overview.disks.length === 0 ? (
          <p className="muted">No disks were reported. Plug in a USB stick and press Refresh.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Bus</th>
                  <th scope="col">Mounted at</th>
                </tr>
              </thead>
              <tbody>
                {overview.disks.map((disk) => (
                  <DiskRow key={disk.device} disk={disk} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

function DiskRow({ disk }: { disk: Disk }): ReactElement {
  return (
    <tr data-testid="disk-row" className={disk.isSystem ? 'row--system' : undefined}>
      <td>
        <span className="mono">{disk.device}</span>
      </td>
      <td>
        <div className="cell-stack">
          <span>{disk.name}</span>
          {disk.isSystem || KIND_LABELS[disk.kind] ? (
            <span className="cell-badges">
              {disk.isSystem ? (
                <Badge tone="warning" icon={<LockIcon size={15} />}>
                  System disk
                </Badge>
              ) : (
                <Badge tone="info">{KIND_LABELS[disk.kind]}</Badge>
              )}
            </span>
          ) : null}
        </div>
      </td>
      <td className="num">{formatBytes(disk.size)}</td>
      <td>{describeBus(disk.bus)}</td>
      <td>
        {disk.mounts.length > 0 ? (
          <ul className="mono mounts">
            {disk.mounts.map((mount) => (
              <li key={mount}>{mount}</li>
            ))}
          </ul>
        ) : (
          <span className="muted">Not mounted</span>
        )}
      </td>
    </tr>
  );
}

/** Placeholders in the overview's shape while the first read runs. */
export function OverviewSkeleton(): ReactElement {
  return (
    <div className="stack">
      <p className="visually-hidden" role="status">
        Reading this laptop&apos;s details…
      </p>
      <div className="card" aria-hidden="true">
        <div className="card__body skeleton-grid">
          {Array.from({ length: 6 }, (_, index) => (
            <div key={index} className="skeleton-pair">
              <span className="skeleton skeleton--label" />
              <span className="skeleton skeleton--value" />
            </div>
          ))}
        </div>
      </div>
      <div className="card" aria-hidden="true">
        <div className="card__body">
          {Array.from({ length: 3 }, (_, index) => (
            <span key={index} className="skeleton skeleton--row" />
          ))}
        </div>
      </div>
    </div>
  );
}

function optional(label: string, value: string, mono = false): KeyValueItem[] {
  const shown = firmwareValue(value);
  return shown ? [{ label, value: shown, mono }] : [];
}
