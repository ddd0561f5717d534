import { z } from 'zod';
import { formatBytes } from '../progress.js';
import { LARGE_DRIVE_BYTES } from './confirmation.js';

export { LARGE_DRIVE_BYTES, confirmationMatches, confirmationPrompt } from './confirmation.js';

/*
 * Which drives Bootmend may erase — the rule, in one place.
 *
 * systeminformation has no "is system" flag, and on Windows its `removable` is per volume
 * (a USB hard disk's volumes read as "Local", not removable). So each physical disk is
 * judged from several fields together:
 *
 * 1. Disks. Linux: blockDevices rows of type disk/rom/loop (zram, ram and empty readers of
 *    size 0 are left out; loop devices only with `includeLoop`). Windows: diskLayout rows
 *    (\\.\PHYSICALDRIVEn); blockDevices rows there are volumes (C:, E:) tied to a disk by their
 *    `device`. macOS: whole disks (diskN) from blockDevices; an APFS container (a synthesized
 *    diskN with the same model and protocol, smaller, holding only APFS volumes) is folded
 *    into the physical disk it lives on. A disk image (protocol "Disk Image") is `virtual`.
 * 2. Volumes and mounts: partitions by their `device` (or their name: sda1 -> sda,
 *    nvme0n1p2 -> nvme0n1, mmcblk0p1 -> mmcblk0, disk2s1 -> disk2), plus fsSize's mounts.
 *    A mount from LUKS/LVM/RAID (/dev/mapper/..., md0) cannot be placed on one disk, so it
 *    counts for every disk that holds a LUKS/LVM/RAID member partition.
 * 3. Kind, first match wins:
 *    - `system`: a volume mounted at /, /boot, /boot/efi, /efi, /usr, /var, [SWAP], macOS
 *      /System/Volumes/*, Windows C: (or the snapshot's `extras.systemDrive`); or the disk
 *      holding `appPath` (Bootmend's own files). On Windows, when C: cannot be tied to a disk,
 *      every disk that is not plainly USB or SD counts as system; if all are USB/SD, all do.
 *    - `source`: the disk holding `imagePath` (longest mount prefix).
 *    - `read-only`: CD/DVD, a write-protected device (`extras.readOnlyDevices`, from
 *      /sys/block/X/ro on Linux), or on Windows a volume fsSize reports as not writable.
 *    - by bus: USB (protocol/tran "usb", interfaceType "USB") -> `sd-card` when its model
 *      names a card reader, else `usb-hdd` when its model names a hard disk/SSD or it is not
 *      removable (Linux RM flag, macOS "Removable Media", Windows volume drive type 2) and
 *      over 128 GB, else `usb-stick`. SD (mmcblk, "Secure Digital", BusType SD) -> `sd-card`,
 *      except eMMC (mmcblk with boot partitions, BusType MMC) -> `internal`. Virtio/Xen/
 *      Hyper-V/disk images -> `virtual`. Loop devices (`includeLoop`) -> `loop`. Anything
 *      else (NVMe, SATA, SCSI, unknown) -> `internal`.
 * 4. Selectable: only usb-stick, sd-card, loop (with `includeLoop`) and usb-hdd (with
 *    `includeUsbHdd`), and never when smaller than the image. Over 128 GB (decimal) a
 *    selectable drive needs confirmation: typing its size or one of its labels.
 */

// ---- raw snapshot: systeminformation's own field names, read leniently ----

/** Text as systeminformation prints it: missing, null and numbers all read as text. */
const text = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null ? '' : String(v).trim()));
/** Sizes: a number, or (Windows volumes) a numeric string; anything else reads as 0. */
const bytes = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : 0;
    return Number.isFinite(n) && n > 0 ? n : 0;
  });
const flag = z
  .union([z.boolean(), z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

export const RawBlockDeviceSchema = z.looseObject({
  name: text,
  identifier: text,
  type: text,
  fsType: text,
  mount: text,
  size: bytes,
  physical: text,
  uuid: text,
  label: text,
  model: text,
  serial: text,
  removable: flag,
  protocol: text,
  group: text,
  device: text,
});
export type RawBlockDevice = z.output<typeof RawBlockDeviceSchema>;

export const RawDiskLayoutSchema = z.looseObject({
  device: text,
  type: text,
  name: text,
  vendor: text,
  size: bytes,
  serialNum: text,
  interfaceType: text,
});

export const RawFsSizeSchema = z.looseObject({
  fs: text,
  type: text,
  size: bytes,
  mount: text,
  rw: z.union([z.boolean(), z.null()]).optional().catch(null).transform((v) => v ?? null),
});

export const RawOsInfoSchema = z.looseObject({
  platform: text,
  distro: text,
  release: text,
  hostname: text,
});

/** Facts systeminformation does not report, added by Bootmend's snapshot taker (all optional). */
export const SnapshotExtrasSchema = z.looseObject({
  /** Linux: devices whose /sys/block/X/ro is 1 (names like "sdb" or paths like "/dev/sdb"). */
  readOnlyDevices: z.array(z.string()).optional(),
  /** Windows: %SystemDrive% when it is not C:. */
  systemDrive: z.string().optional(),
  takenAt: z.string().optional(),
  bootmendVersion: z.string().optional(),
});

/**
 * `bootmend drives snapshot` output: systeminformation's raw results, one key each. Unknown
 * extra fields are kept; missing osInfo/diskLayout/fsSize read as empty.
 */
export const DriveSnapshotSchema = z.looseObject({
  /** process.platform of the machine (win32, linux, darwin); osInfo.platform also works. */
  platform: z.string().min(1, 'platform is empty'),
  osInfo: RawOsInfoSchema.prefault({}),
  blockDevices: z.array(RawBlockDeviceSchema),
  diskLayout: z.array(RawDiskLayoutSchema).nullable().prefault([]).transform((v) => v ?? []),
  fsSize: z.array(RawFsSizeSchema).nullable().prefault([]).transform((v) => v ?? []),
  extras: SnapshotExtrasSchema.optional(),
});
export type DriveSnapshot = z.output<typeof DriveSnapshotSchema>;
export type DriveSnapshotInput = z.input<typeof DriveSnapshotSchema>;

// ---- the verdict ----

export const DriveBus = z.enum(['usb', 'sd', 'sata', 'nvme', 'virtual', 'scsi', 'unknown']);
export type DriveBus = z.infer<typeof DriveBus>;

export const DriveKind = z.enum(['system', 'source', 'read-only', 'internal', 'virtual', 'usb-hdd', 'usb-stick', 'sd-card', 'loop']);
export type DriveKind = z.infer<typeof DriveKind>;

export const DriveReasonCode = z.enum([
  'SYSTEM_DISK',
  'APP_DISK',
  'HOLDS_SOURCE_IMAGE',
  'READ_ONLY',
  'OPTICAL_DRIVE',
  'INTERNAL_DISK',
  'VIRTUAL_DISK',
  'USB_HDD_HIDDEN',
  'TOO_SMALL',
  'LARGE_DRIVE_CONFIRM',
  'LOOP_DEVICE',
]);
export type DriveReasonCode = z.infer<typeof DriveReasonCode>;

export const DriveReasonSchema = z.object({
  code: DriveReasonCode,
  /** One sentence for the technician. */
  message: z.string(),
  /** The drive cannot be chosen while this holds. */
  blocks: z.boolean(),
  /** The drive can be chosen only after typing its size or label. */
  requiresConfirmation: z.boolean(),
});
export type DriveReason = z.infer<typeof DriveReasonSchema>;

export const DriveEntrySchema = z.object({
  /** Path to open for writing: /dev/sdb, \\.\PHYSICALDRIVE2, /dev/disk4. */
  device: z.string(),
  size: z.number().nonnegative(),
  vendor: z.string(),
  model: z.string(),
  bus: DriveBus,
  /** As the OS reports it (Windows: any volume of the disk is of the removable type). */
  removable: z.boolean(),
  labels: z.array(z.string()),
  mounts: z.array(z.string()),
  kind: DriveKind,
  selectable: z.boolean(),
  requiresConfirmation: z.boolean(),
  /** What the technician may type to confirm (size as shown, labels); empty when no confirmation is needed. */
  confirmWith: z.array(z.string()),
  reasons: z.array(DriveReasonSchema),
});
export type DriveEntry = z.infer<typeof DriveEntrySchema>;

export const ClassifyOptionsSchema = z.object({
  /** The image about to be written; its drive becomes `source`. */
  imagePath: z.string().optional(),
  imageSize: z.number().nonnegative().optional(),
  /** The "Show USB hard disks" switch. */
  includeUsbHdd: z.boolean().optional(),
  /** Where Bootmend itself runs from; its drive counts as `system`. */
  appPath: z.string().optional(),
  /** List loop devices as selectable `loop` drives (tests and the loop-device proofs); otherwise they are left out. */
  includeLoop: z.boolean().optional(),
});
export type ClassifyOptions = z.infer<typeof ClassifyOptionsSchema>;

// ---- internal model ----

type Platform = 'windows' | 'linux' | 'macos';

interface Volume {
  name: string;
  mount: string;
  label: string;
  fsType: string;
  removable: boolean;
  physical: string;
  rw: boolean | null;
}

interface Disk {
  key: string;
  device: string;
  size: number;
  vendor: string;
  model: string;
  protocol: string;
  removable: boolean;
  physical: string;
  type: string;
  emmc: boolean;
  loop: boolean;
  readOnly: boolean;
  volumes: Volume[];
  /** Mounts placed here only because this disk holds a LUKS/LVM/RAID member. */
  stackedMounts: string[];
  /** Other names of this disk (macOS: the APFS containers folded into it). */
  aliases: string[];
}

export function snapshotPlatform(snapshot: Pick<DriveSnapshot, 'platform' | 'osInfo'>): Platform {
  const p = `${snapshot.platform} ${snapshot.osInfo.platform}`.toLowerCase();
  if (/darwin|mac/.test(p)) return 'macos';
  if (/win/.test(p)) return 'windows';
  return 'linux';
}

/** Which disk a partition sits on: sda1 -> sda, nvme0n1p2 -> nvme0n1, mmcblk0p1 -> mmcblk0, disk2s1 -> disk2. */
function parentName(partition: string): string {
  const base = partition.replace(/^\/dev\//, '');
  const numbered = /^(nvme\d+n\d+|mmcblk\d+|loop\d+|nbd\d+)(p\d+)?$/.exec(base);
  if (numbered) return numbered[1]!;
  const mac = /^(disk\d+)(s\d+)*$/.exec(base);
  if (mac) return mac[1]!;
  return base.replace(/\d+$/, '');
}

const baseName = (path: string): string => path.replace(/^\/dev\//, '').replace(/^\\\\\.\\/, '');

const STACK_MEMBER = /^(crypto_luks|lvm2_member|linux_raid_member|zfs_member|bcache|ddf_raid_member|isw_raid_member)$/i;

function volumeOf(b: RawBlockDevice): Volume {
  return { name: b.name, mount: b.mount, label: b.label, fsType: b.fsType, removable: b.removable, physical: b.physical, rw: null };
}

function newDisk(key: string, device: string, fields: Partial<Disk>): Disk {
  return {
    key,
    device,
    size: 0,
    vendor: '',
    model: '',
    protocol: '',
    removable: false,
    physical: '',
    type: '',
    emmc: false,
    loop: false,
    readOnly: false,
    volumes: [],
    stackedMounts: [],
    aliases: [],
    ...fields,
  };
}

function disksLinux(s: DriveSnapshot, ro: Set<string>): { disks: Disk[]; unplaced: Volume[] } {
  const disks = new Map<string, Disk>();
  const unplaced: Volume[] = [];
  const layout = new Map(s.diskLayout.map((l) => [baseName(l.device), l]));
  const names = new Set(s.blockDevices.map((b) => b.name));
  for (const b of s.blockDevices) {
    const type = b.type.toLowerCase();
    if (!['disk', 'rom', 'loop'].includes(type) || !b.name) continue;
    if (/^(zram|ram)\d+$/.test(b.name) || /^mmcblk\d+(boot\d+|rpmb)$/.test(b.name) || b.size === 0) continue;
    const l = layout.get(b.name);
    const device = b.device && baseName(b.device) === b.name ? b.device : `/dev/${b.name}`;
    const disk = newDisk(b.name, device, {
      size: b.size,
      vendor: l?.vendor ?? '',
      model: b.model || l?.name || '',
      protocol: `${b.protocol} ${l?.interfaceType ?? ''}`.trim(),
      removable: b.removable,
      physical: b.physical,
      type,
      emmc: /^mmcblk\d+$/.test(b.name) && (names.has(`${b.name}boot0`) || names.has(`${b.name}rpmb`)),
      loop: type === 'loop' || /^loop\d+$/.test(b.name),
      readOnly: type === 'rom' || b.physical === 'CD/DVD' || ro.has(b.name) || ro.has(device),
    });
    // A partitionless disk (a VM's virtio disk, a loop device) can be mounted itself.
    if (b.mount || b.label || b.fsType) disk.volumes.push(volumeOf(b));
    disks.set(b.name, disk);
  }
  for (const b of s.blockDevices) {
    const type = b.type.toLowerCase();
    if (!b.name || disks.has(b.name) || ['disk', 'rom', 'loop'].includes(type)) continue;
    const parent = type === 'part' ? disks.get(b.device && baseName(b.device) !== b.name ? baseName(b.device) : parentName(b.name)) : undefined;
    if (parent) parent.volumes.push(volumeOf(b));
    else if (type !== 'part') unplaced.push(volumeOf(b)); // crypt, lvm, raid1, dm: no parent in systeminformation's flat list
  }
  return { disks: [...disks.values()], unplaced };
}

function disksMac(s: DriveSnapshot, ro: Set<string>): { disks: Disk[]; unplaced: Volume[] } {
  const whole = new Map<string, Disk>();
  const id = (b: RawBlockDevice): string => baseName(b.identifier || b.name);
  for (const b of s.blockDevices) {
    const name = id(b);
    if (!/^disk\d+$/.test(name) || b.size === 0) continue;
    const device = `/dev/${name}`;
    whole.set(
      name,
      newDisk(name, device, {
        size: b.size,
        model: b.model,
        protocol: b.protocol,
        removable: b.removable,
        physical: b.physical,
        type: b.type,
        readOnly: b.physical === 'CD/DVD' || ro.has(name) || ro.has(device),
      }),
    );
  }
  for (const b of s.blockDevices) {
    const name = id(b);
    if (!/^disk\d+s\d+/.test(name)) continue;
    whole.get(parentName(name))?.volumes.push(volumeOf(b));
  }
  // APFS containers: a synthesized whole disk with the same model and protocol as a larger one, holding only APFS volumes.
  for (const container of [...whole.values()]) {
    if (container.volumes.length === 0 || !container.volumes.every((v) => /apfs/i.test(v.fsType) || !v.fsType)) continue;
    const host = [...whole.values()].find(
      (d) => d !== container && d.model === container.model && d.protocol === container.protocol && d.size > container.size,
    );
    if (!host) continue;
    host.volumes.push(...container.volumes);
    host.aliases.push(container.key, ...container.aliases);
    whole.delete(container.key);
  }
  return { disks: [...whole.values()], unplaced: [] };
}

function disksWindows(s: DriveSnapshot, ro: Set<string>): { disks: Disk[]; unplaced: Volume[] } {
  const disks = new Map<string, Disk>();
  s.diskLayout.forEach((l, index) => {
    if (l.size === 0) return; // a card reader without a card
    const device = l.device || `\\\\.\\PHYSICALDRIVE${index}`;
    const key = device.toUpperCase();
    disks.set(
      key,
      newDisk(key, device, {
        size: l.size,
        vendor: l.vendor,
        model: l.name.replace(/\s+USB Device$/i, '').trim(),
        protocol: l.interfaceType,
        physical: l.type,
        type: l.type,
        emmc: /^mmc$/i.test(l.interfaceType),
        readOnly: ro.has(device) || ro.has(key),
      }),
    );
  });
  const rwByMount = new Map(s.fsSize.map((f) => [normMount(f.mount || f.fs, 'windows'), f.rw]));
  const unplaced: Volume[] = [];
  for (const b of s.blockDevices) {
    const physical = b.physical.toLowerCase();
    if (physical === 'network' || physical === 'cd/dvd' || physical === 'ram') continue;
    const volume = volumeOf(b);
    volume.mount = b.mount || b.name || b.identifier;
    volume.rw = rwByMount.get(normMount(volume.mount, 'windows')) ?? null;
    const disk = b.device ? disks.get(b.device.toUpperCase()) : undefined;
    if (disk) {
      disk.volumes.push(volume);
      if (volume.removable) disk.removable = true;
      if (volume.rw === false) disk.readOnly = true;
    } else unplaced.push(volume);
  }
  return { disks: [...disks.values()], unplaced };
}

// ---- mounts and paths ----

function normMount(mount: string, platform: Platform): string {
  if (platform !== 'windows') return mount.replace(/\/+$/, '') || '/';
  return mount.replace(/\//g, '\\').replace(/\\+$/, '').toUpperCase();
}

/** The mount a path lives under (longest matching mount point), or null. */
function mountHolding(path: string, mounts: string[], platform: Platform): string | null {
  const p = normMount(path, platform);
  let best: string | null = null;
  for (const m of mounts) {
    const n = normMount(m, platform);
    if (!n || n === '[SWAP]') continue;
    const sep = platform === 'windows' ? '\\' : '/';
    const inside = p === n || p.startsWith(n === '/' ? '/' : n + sep);
    if (inside && (best === null || n.length > normMount(best, platform).length)) best = m;
  }
  return best;
}

function isSystemMount(mount: string, platform: Platform, systemDrive: string): boolean {
  if (platform === 'windows') return normMount(mount, platform) === normMount(systemDrive, platform);
  if (['/', '/boot', '/boot/efi', '/efi', '/usr', '/var', '[SWAP]', '/private/var/vm'].includes(mount)) return true;
  return platform === 'macos' && mount.startsWith('/System/Volumes/');
}

// ---- bus and kind ----

const CARD_READER = /(sd\s*\/\s*mmc|\bsd(hc|xc)?\b.*(card|reader)|card\s*reader|micro\s*sd|multi-?card|\bmmc\b)/i;
const HARD_DISK = /(\bssd\b|\bhdd\b|hard ?dis[ck]|elements|passport|expansion|backup ?plus|canvio|my ?book|one ?touch|portable ssd|extreme ssd|\bt[579]\b|sabrent|enclosure|asm\d{3,4}|jms\d{3}|rtl92\d\d)/i;

function busOf(d: Disk): DriveBus {
  const p = d.protocol.toLowerCase();
  const name = baseName(d.device);
  if (d.loop) return 'virtual';
  if (/\busb\b/.test(p)) return 'usb';
  if (/secure digital|\bsd\b|\bmmc\b/.test(p) || /^mmcblk\d+$/.test(name)) return 'sd';
  if (/nvme|pcie|pci-express|apple fabric/.test(p) || /^nvme/.test(name)) return 'nvme';
  if (/virtio|virtual|file backed|disk image|xen/.test(p) || /^(vd|xvd)[a-z]+$/.test(name) || /virtual disk|vbox|qemu hardisk|vmware/i.test(d.model)) return 'virtual';
  if (/sata|\bata\b|\bide\b/.test(p)) return 'sata';
  if (/scsi|sas|raid|spaces|iscsi/.test(p)) return 'scsi';
  return 'unknown';
}

function busKind(d: Disk, bus: DriveBus): DriveKind {
  const label = `${d.vendor} ${d.model}`;
  if (d.loop) return 'loop';
  if (bus === 'usb') {
    if (CARD_READER.test(label)) return 'sd-card';
    if (HARD_DISK.test(label)) return 'usb-hdd';
    if (d.removable) return 'usb-stick';
    return d.size > LARGE_DRIVE_BYTES ? 'usb-hdd' : 'usb-stick';
  }
  if (bus === 'sd') return d.emmc ? 'internal' : 'sd-card';
  if (bus === 'virtual') return 'virtual';
  return 'internal';
}

const BUS_WORD: Record<DriveBus, string> = {
  usb: 'USB',
  sd: 'SD',
  sata: 'SATA',
  nvme: 'NVMe',
  virtual: 'virtual',
  scsi: 'SCSI',
  unknown: 'internal',
};

const reason = (code: DriveReasonCode, message: string, blocks = true, requiresConfirmation = false): DriveReason => ({
  code,
  message,
  blocks,
  requiresConfirmation,
});

// ---- classification ----

/** Classifies every disk of a snapshot; the input is validated (and may be raw JSON). */
export function classifyDrives(input: DriveSnapshotInput | DriveSnapshot, options: ClassifyOptions = {}): DriveEntry[] {
  const snapshot = DriveSnapshotSchema.parse(input);
  const opts = ClassifyOptionsSchema.parse(options);
  const platform = snapshotPlatform(snapshot);
  const ro = new Set(snapshot.extras?.readOnlyDevices ?? []);
  const systemDrive = snapshot.extras?.systemDrive || 'C:';
  const { disks, unplaced } =
    platform === 'windows' ? disksWindows(snapshot, ro) : platform === 'macos' ? disksMac(snapshot, ro) : disksLinux(snapshot, ro);

  // fsSize adds mounts that blockDevices missed (and rw on Linux/macOS, kept for display only).
  if (platform !== 'windows') {
    const byName = new Map<string, Volume>();
    for (const d of disks) for (const v of d.volumes) byName.set(baseName(v.name), v);
    for (const u of unplaced) byName.set(baseName(u.name), u);
    for (const f of snapshot.fsSize) {
      const name = baseName(f.fs);
      const known = byName.get(name) ?? byName.get(name.replace(/^mapper\//, ''));
      if (known) {
        if (!known.mount) known.mount = f.mount;
        continue;
      }
      const disk = disks.find((d) => d.key === parentName(name) || d.aliases.includes(parentName(name)) || baseName(d.device) === name);
      const volume: Volume = { name, mount: f.mount, label: '', fsType: f.type, removable: false, physical: '', rw: f.rw };
      if (disk) disk.volumes.push(volume);
      else if (f.fs.startsWith('/dev/')) unplaced.push(volume);
    }
  }

  // Mounts from LUKS/LVM/RAID volumes count for every disk that holds a member of such a stack.
  const stackedMounts = unplaced.map((v) => v.mount).filter(Boolean);
  if (platform !== 'windows' && stackedMounts.length > 0) {
    for (const d of disks) if (d.volumes.some((v) => STACK_MEMBER.test(v.fsType))) d.stackedMounts.push(...stackedMounts);
  }
  // Windows: a system drive not tied to any disk makes every disk that is not plainly USB/SD suspect (all of them if none is).
  const systemUnplaced = platform === 'windows' && unplaced.some((v) => isSystemMount(v.mount, platform, systemDrive));
  const plainlyExternal = (d: Disk): boolean => ['usb', 'sd'].includes(busOf(d)) && !d.emmc;
  const everyDiskExternal = disks.every(plainlyExternal);

  const entries = disks
    .filter((d) => !d.loop || opts.includeLoop === true)
    .map((d): DriveEntry => {
      const bus = busOf(d);
      const mounts = [...new Set(d.volumes.map((v) => v.mount).filter(Boolean))];
      const allMounts = [...mounts, ...d.stackedMounts];
      const labels = [...new Set(d.volumes.map((v) => v.label).filter(Boolean))];
      const reasons: DriveReason[] = [];
      const size = formatBytes(d.size);

      const systemMount = byImportance(mounts.filter((m) => isSystemMount(m, platform, systemDrive)))[0];
      const stackedSystem = byImportance(d.stackedMounts.filter((m) => isSystemMount(m, platform, systemDrive)))[0];
      if (systemMount && (!stackedSystem || byImportance([systemMount, stackedSystem])[0] === systemMount)) {
        reasons.push(reason('SYSTEM_DISK', `Holds the running system (${systemMount} is mounted from it); choose a USB stick.`));
      } else if (stackedSystem) {
        reasons.push(
          reason('SYSTEM_DISK', `Holds the running system (${stackedSystem} is on an encrypted, LVM or RAID volume that lives on this disk); choose a USB stick.`),
        );
      } else if (systemUnplaced && (everyDiskExternal || !plainlyExternal(d))) {
        reasons.push(reason('SYSTEM_DISK', `May hold the running system (${systemDrive} could not be tied to a disk); choose a USB stick.`));
      }
      if (opts.appPath) {
        const own = mountHolding(opts.appPath, mountsOfAll(disks), platform);
        if (own !== null && allMounts.includes(own)) {
          reasons.push(reason('APP_DISK', `Holds Bootmend itself (running from ${opts.appPath}); writing would erase the program in use.`));
        }
      }
      if (opts.imagePath) {
        const holder = mountHolding(opts.imagePath, mountsOfAll(disks), platform);
        if (holder !== null && allMounts.includes(holder)) {
          reasons.push(
            reason('HOLDS_SOURCE_IMAGE', `Holds the image being written (${opts.imagePath}); copy the image to another drive or choose a different target.`),
          );
        }
      }
      if (d.readOnly) {
        if (d.type === 'rom' || d.physical === 'CD/DVD') reasons.push(reason('OPTICAL_DRIVE', 'Is a CD/DVD drive; Bootmend writes to USB sticks and SD cards.'));
        else if (d.loop) reasons.push(reason('READ_ONLY', 'Is a read-only loop device (attached with losetup -r, or a snap package).'));
        else reasons.push(reason('READ_ONLY', 'Is write-protected; slide the lock switch on the card or stick to unlocked and plug it in again.'));
      }

      let kind: DriveKind;
      if (reasons.some((r) => r.code === 'SYSTEM_DISK' || r.code === 'APP_DISK')) kind = 'system';
      else if (reasons.some((r) => r.code === 'HOLDS_SOURCE_IMAGE')) kind = 'source';
      else if (d.readOnly) kind = 'read-only';
      else if (/disk image/i.test(d.protocol)) kind = 'virtual';
      else kind = busKind(d, bus);

      const natural = busKind(d, bus);
      if (natural === 'internal' && kind === 'internal') {
        reasons.push(reason('INTERNAL_DISK', `Is a fixed ${d.emmc ? 'eMMC' : BUS_WORD[bus]} disk inside this computer; Bootmend writes only to USB sticks and SD cards.`));
      }
      if (natural === 'virtual' && kind === 'virtual') {
        reasons.push(reason('VIRTUAL_DISK', /disk image/i.test(d.protocol) ? 'Is a mounted disk image, not a drive.' : "Is a virtual machine's disk, not a removable drive."));
      }
      if (natural === 'usb-hdd' && opts.includeUsbHdd !== true) {
        reasons.push(
          reason('USB_HDD_HIDDEN', `Looks like a USB hard disk (${size}${d.removable ? '' : ', not removable'}); turn on "Show USB hard disks" to use it.`),
        );
      }
      if (natural === 'loop') {
        reasons.push(reason('LOOP_DEVICE', 'Is a loop device (a file attached as a disk), listed for testing.', false));
      }
      if (opts.imageSize !== undefined && d.size < opts.imageSize) {
        reasons.push(reason('TOO_SMALL', `Holds ${size}; the image needs ${formatBytes(opts.imageSize)}.`));
      }
      const offered = ['usb-stick', 'sd-card', 'loop', 'usb-hdd'].includes(kind);
      const selectable = offered && !reasons.some((r) => r.blocks);
      const confirmWith = [size, ...labels];
      if (selectable && d.size > LARGE_DRIVE_BYTES) {
        reasons.push(
          reason(
            'LARGE_DRIVE_CONFIRM',
            `Is larger than 128 GB, more than a usual USB stick; type ${confirmWith.map((c) => `"${c}"`).join(' or ')} to confirm erasing it.`,
            false,
            true,
          ),
        );
      }
      const requiresConfirmation = reasons.some((r) => r.requiresConfirmation);
      return {
        device: d.device,
        size: d.size,
        vendor: d.vendor,
        model: d.model,
        bus,
        removable: d.removable,
        labels,
        mounts,
        kind,
        selectable,
        requiresConfirmation,
        confirmWith: requiresConfirmation ? confirmWith : [],
        reasons,
      };
    });
  return entries.sort((a, b) => a.device.localeCompare(b.device, 'en', { numeric: true }));
}

/** "/" before "/boot" before "/boot/efi": the reason names the mount a technician recognises. */
function byImportance(mounts: string[]): string[] {
  const rank = (m: string): number => (m === '/' || /^[a-z]:\\?$/i.test(m) ? 0 : m.startsWith('/System/Volumes/Data') ? 1 : m.length);
  return [...mounts].sort((a, b) => rank(a) - rank(b));
}

function mountsOfAll(disks: Disk[]): string[] {
  return disks.flatMap((d) => [...d.volumes.map((v) => v.mount), ...d.stackedMounts]).filter(Boolean);
}

