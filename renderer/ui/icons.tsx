import type { ReactElement, ReactNode, SVGProps } from 'react';

/** Small stroke icons (24×24 grid), decorative: the text next to them carries the meaning. */
export type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number };

function Icon({ size = 20, children, ...rest }: IconProps & { children: ReactNode }): ReactElement {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.9}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  );
}

export const LogoMark = ({ size = 36 }: { size?: number }): ReactElement => (
  <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
    <rect width="32" height="32" rx="8" fill="var(--accent)" />
    <path d="M16 7.5v7.5" stroke="var(--accent-text)" strokeWidth="3" strokeLinecap="round" />
    <path d="M10.6 10.9a7.6 7.6 0 1 0 10.8 0" fill="none" stroke="var(--accent-text)" strokeWidth="3" strokeLinecap="round" />
  </svg>
);

/** A USB stick beside a disc: boot media. */
export const MediaIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="9" cy="13" r="6.5" />
    <circle cx="9" cy="13" r="1.6" />
    <path d="M16.5 3.5h4v8.5a2 2 0 0 1-2 2h0a2 2 0 0 1-2-2z" />
    <path d="M17.8 6h1.4" />
  </Icon>
);

/** A wrench: fix the crashed PC. */
export const RecoverIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M14.7 6.3a4 4 0 0 0 5 5l-.1.1-8.4 8.4a2.1 2.1 0 0 1-3-3l8.4-8.4.1-.1a4 4 0 0 1-2-2z" />
    <path d="M14.7 6.3a4 4 0 0 1 5.4-2.7l-2.6 2.6.3 2 2 .3 2.6-2.6a4 4 0 0 1-2.7 5.4" />
  </Icon>
);

export const KeyIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="7.5" cy="15.5" r="4" />
    <path d="M10.5 12.5 20 3" />
    <path d="m16 7 3 3" />
    <path d="m18.5 4.5 2 2" />
  </Icon>
);

export const JournalIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M5 4.5A1.5 1.5 0 0 1 6.5 3H19v16H6.5A1.5 1.5 0 0 0 5 20.5z" />
    <path d="M5 20.5A1.5 1.5 0 0 0 6.5 22H19v-3" />
    <path d="M9 7.5h6" />
    <path d="M9 11h6" />
  </Icon>
);

export const SettingsIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M4 6h9" />
    <path d="M17 6h3" />
    <circle cx="15" cy="6" r="2" />
    <path d="M4 12h3" />
    <path d="M11 12h9" />
    <circle cx="9" cy="12" r="2" />
    <path d="M4 18h11" />
    <path d="M19 18h1" />
    <circle cx="17" cy="18" r="2" />
  </Icon>
);

export const LaptopIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="4" y="4.5" width="16" height="11" rx="1.5" />
    <path d="M2 19.5h20" />
    <path d="M4 15.5 2.5 19.5" />
    <path d="M20 15.5l1.5 4" />
  </Icon>
);

export const RefreshIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M20 11a8 8 0 0 0-14.8-3.5" />
    <path d="M4 4v4h4" />
    <path d="M4 13a8 8 0 0 0 14.8 3.5" />
    <path d="M20 20v-4h-4" />
  </Icon>
);

/** One arrow turning back: do the same thing again (Refresh has two). */
export const RetryIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M4 12a8 8 0 1 0 2.4-5.7" />
    <path d="M4 4v4h4" />
  </Icon>
);

export const CheckIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="m5 12.5 4.5 4.5L19 7.5" />
  </Icon>
);

export const CheckCircleIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="m8 12.3 2.8 2.8L16.2 9.5" />
  </Icon>
);

export const AlertIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M10.3 4.2 2.6 17.5A2 2 0 0 0 4.3 20.5h15.4a2 2 0 0 0 1.7-3L13.7 4.2a2 2 0 0 0-3.4 0z" />
    <path d="M12 9.5v4" />
    <path d="M12 17h.01" />
  </Icon>
);

export const ErrorIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7.5v5.5" />
    <path d="M12 16.5h.01" />
  </Icon>
);

export const InfoIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v5.5" />
    <path d="M12 7.5h.01" />
  </Icon>
);

export const MinusCircleIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M8 12h8" />
  </Icon>
);

export const LockIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="5" y="10.5" width="14" height="10" rx="2" />
    <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
  </Icon>
);

export const ClockIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </Icon>
);

export const SearchIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="11" cy="11" r="6.5" />
    <path d="m20 20-4.3-4.3" />
  </Icon>
);

export const CloudIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M7 18.5a4.5 4.5 0 0 1-.6-9 6 6 0 0 1 11.5 1.6A3.8 3.8 0 0 1 17.5 18.5z" />
  </Icon>
);

export const ToolIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="3" y="7" width="18" height="13" rx="2" />
    <path d="M8.5 7V5.5a1.5 1.5 0 0 1 1.5-1.5h4a1.5 1.5 0 0 1 1.5 1.5V7" />
    <path d="M3 12.5h18" />
  </Icon>
);

export const CrossCircleIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="m9 9 6 6" />
    <path d="m15 9-6 6" />
  </Icon>
);

export const CopyIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="8.5" y="8.5" width="11.5" height="11.5" rx="2" />
    <path d="M15.5 8.5V5.5a1.5 1.5 0 0 0-1.5-1.5H5.5A1.5 1.5 0 0 0 4 5.5V14a1.5 1.5 0 0 0 1.5 1.5h3" />
  </Icon>
);

export const StopIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="6.5" y="6.5" width="11" height="11" rx="1.5" />
  </Icon>
);

/** A USB stick, plug up: the drive kind a technician writes to. */
export const UsbStickIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M8 9.5h8v10a2 2 0 0 1-2 2h-4a2 2 0 0 1-2-2z" />
    <path d="M9.5 9.5v-7h5v7" />
    <path d="M11 5h.01" />
    <path d="M13 5h.01" />
  </Icon>
);

/** An SD card with its cut corner and contacts. */
export const SdCardIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <path d="M9 2.5h8a2 2 0 0 1 2 2v15a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6.5z" />
    <path d="M10 6v2.5" />
    <path d="M13 6v2.5" />
    <path d="M16 6v2.5" />
  </Icon>
);

/** A disk box with an activity light: a USB hard disk. */
export const HardDiskIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="3" y="6" width="18" height="12" rx="2.5" />
    <path d="M3.5 13.5h17" />
    <path d="M17 16h.01" />
    <path d="M14 16h.01" />
  </Icon>
);

/** A disk drive inside a computer (a bay with screws). */
export const InternalDiskIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="4" y="3" width="16" height="18" rx="2" />
    <circle cx="12" cy="11" r="4" />
    <path d="M12 11h.01" />
    <path d="M7 18h.01" />
    <path d="M17 18h.01" />
  </Icon>
);

/** A disk with a shield: holds the running system, never offered. */
export const SystemDiskIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <rect x="3" y="6" width="12" height="12" rx="2" />
    <path d="M6 14.5h6" />
    <path d="M18.5 9.5 21.5 11v3c0 2-1.3 3.6-3 4.5-1.7-.9-3-2.5-3-4.5v-3z" />
  </Icon>
);

/** A disc: a virtual disk, a loop device or a mounted image. */
export const DiscIcon = (p: IconProps): ReactElement => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <circle cx="12" cy="12" r="2.5" />
  </Icon>
);
