import { useEffect, type ReactElement } from 'react';
import type { Disk, ThisLaptopOverview } from '../../../core/this-laptop/schemas.js';
import { formatBytes } from '../../../core/progress.js';
import { useClient } from '../../state/client.js';
import { useThisLaptop } from '../../state/resources.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { LockIcon, RefreshIcon } from '../../ui/icons.js';
import { KeyValueList, type KeyValueItem } from '../../ui/KeyValue.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';

export function MachineScreen(): ReactElement {
  const client = useClient();
  const { data, error, loading, load } = useThisLaptop();

  useEffect(() => {
    const state = useThisLaptop.getState();
    if (state.data === null && !state.loading) void state.load(client);
  }, [client]);

  return (
    <>
      <ScreenHeader
        title="This machine"
        lead="The laptop Bootmend is running on: its system and every disk it can see."
        actions={
          data ? (
            <Button icon={<RefreshIcon />} busy={loading} onClick={() => void load(client)}>
              {loading ? 'Refreshing…' : 'Refresh'}
            </Button>
          ) : null
        }
      />
      {error ? (
        <ErrorBanner
          title="Could not read this machine's details"
          message={error}
          action={
            <Button variant="primary" icon={<RefreshIcon />} busy={loading} onClick={() => void load(client)}>
              Retry
            </Button>
          }
        />
      ) : null}
      {data ? <Overview overview={data} /> : error ? null : <OverviewSkeleton />}
    </>
  );
}

function Overview({ overview }: { overview: ThisLaptopOverview }): ReactElement {
  const { cpu } = overview;
  const items: KeyValueItem[] = [
    { label: 'Hostname', value: overview.hostname || 'Unknown', testId: 'machine-hostname' },
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
      <Card title="System" id="machine-system" description={`Read at ${formatTime(overview.collectedAt)}.`}>
        <KeyValueList items={items} columns={3} />
      </Card>
      <Card
        title="Disks"
        id="machine-disks"
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

function OverviewSkeleton(): ReactElement {
  return (
    <div className="stack">
      <p className="visually-hidden" role="status">
        Reading this machine&apos;s details…
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
  const trimmed = value.trim();
  return trimmed && !/^(default string|to be filled by o\.e\.m\.|system (product|serial) number|none|n\/a|-)$/i.test(trimmed)
    ? [{ label, value: trimmed, mono }]
    : [];
}

const PLATFORM_NAMES: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

function describeOs({ os }: ThisLaptopOverview): string {
  const name = os.distro || PLATFORM_NAMES[os.platform] || os.platform || 'Unknown system';
  return [name, os.release, os.arch ? `(${os.arch})` : null].filter(Boolean).join(' ');
}

const BUS_NAMES: Record<string, string> = {
  usb: 'USB',
  sata: 'SATA',
  ata: 'ATA',
  nvme: 'NVMe',
  scsi: 'SCSI',
  sas: 'SAS',
  virtio: 'VirtIO',
  virtual: 'Virtual',
  mmc: 'SD / MMC',
  sd: 'SD card',
  ide: 'IDE',
  thunderbolt: 'Thunderbolt',
};

/** The drive guard's kinds worth a badge; internal disks need none. */
const KIND_LABELS: Partial<Record<Disk['kind'], string>> = {
  source: 'Holds the image',
  'read-only': 'Read-only',
  'usb-hdd': 'USB hard disk',
  'usb-stick': 'USB stick',
  'sd-card': 'SD card',
  loop: 'Loop device',
  virtual: 'Virtual disk',
};

function describeBus(bus: string): string {
  if (!bus) return 'Unknown';
  return BUS_NAMES[bus.toLowerCase()] ?? bus;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
