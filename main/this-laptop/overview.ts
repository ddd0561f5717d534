import { hostname } from 'node:os';
import si from 'systeminformation';
import { diskFromDriveEntry, ThisLaptopOverviewSchema, type ThisLaptopOverview } from '../../core/this-laptop/schemas.js';
import { defaultAppPath, listDrives, takeDriveSnapshot } from '../drives/list.js';

/** Reads this laptop through systeminformation; each probe may fail alone without hiding the others. */
export async function readThisLaptop(): Promise<ThisLaptopOverview> {
  // The drive snapshot already reads osInfo; reuse it rather than asking the OS twice.
  const [system, cpu, mem, snapshot] = await Promise.all([
    si.system().catch(() => null),
    si.cpu().catch(() => null),
    si.mem().catch(() => null),
    takeDriveSnapshot(),
  ]);
  const appPath = defaultAppPath();
  const drives = await listDrives({ snapshot, ...(appPath ? { appPath } : {}) });
  const os = snapshot.osInfo as Partial<si.Systeminformation.OsData> | undefined;
  return ThisLaptopOverviewSchema.parse({
    hostname: os?.hostname || hostname(),
    manufacturer: clean(system?.manufacturer),
    model: clean(system?.model),
    serial: clean(system?.serial),
    os: {
      platform: os?.platform ?? process.platform,
      distro: os?.distro ?? '',
      release: os?.release ?? '',
      arch: os?.arch ?? process.arch,
    },
    cpu: { brand: [cpu?.manufacturer, cpu?.brand].filter(Boolean).join(' '), cores: cpu?.cores ?? 0 },
    memoryBytes: mem?.total ?? 0,
    disks: drives.map(diskFromDriveEntry).sort((a, b) => Number(b.isSystem) - Number(a.isSystem) || a.device.localeCompare(b.device)),
    collectedAt: new Date().toISOString(),
  });
}

/** Vendors fill unknown DMI fields with placeholders; show nothing rather than "To Be Filled By O.E.M.". */
function clean(value: string | undefined): string {
  const text = (value ?? '').trim();
  return /^(-|n\/a|none|default string|to be filled by o\.e\.m\.|system serial number|0+)$/i.test(text) ? '' : text;
}
