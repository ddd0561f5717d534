import type { ReactElement } from 'react';
import type { DriveKind } from '../../../core/drives/drives.js';
import { DiscIcon, HardDiskIcon, InternalDiskIcon, LockIcon, SdCardIcon, SystemDiskIcon, UsbStickIcon, type IconProps } from '../../ui/icons.js';

const ICONS: Record<DriveKind, (p: IconProps) => ReactElement> = {
  'usb-stick': UsbStickIcon,
  'sd-card': SdCardIcon,
  'usb-hdd': HardDiskIcon,
  internal: InternalDiskIcon,
  system: SystemDiskIcon,
  source: HardDiskIcon,
  'read-only': LockIcon,
  virtual: DiscIcon,
  loop: DiscIcon,
};

/** The drive guard's kind as a picture; decorative, the kind is also written beside it. */
export function DriveKindIcon({ kind, size = 26 }: { kind: DriveKind; size?: number }): ReactElement {
  const Icon = ICONS[kind];
  return <Icon size={size} />;
}
