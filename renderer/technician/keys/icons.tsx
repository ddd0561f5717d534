import type { ReactElement, SVGProps } from 'react';

/** Icons the Keys screen needs beyond ui/icons.tsx, drawn the same way (24×24 stroke, decorative). */
type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number };

function strokeProps({ size = 20, ...rest }: IconProps): SVGProps<SVGSVGElement> {
  return {
    width: size,
    height: size,
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    strokeWidth: 1.9,
    strokeLinecap: 'round',
    strokeLinejoin: 'round',
    'aria-hidden': true,
    focusable: false,
    ...rest,
  };
}

export const UploadIcon = (p: IconProps): ReactElement => (
  <svg {...strokeProps(p)}>
    <path d="M12 15V4" />
    <path d="m7.5 8.5 4.5-4.5 4.5 4.5" />
    <path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
  </svg>
);

export const DownloadIcon = (p: IconProps): ReactElement => (
  <svg {...strokeProps(p)}>
    <path d="M12 4v11" />
    <path d="m7.5 10.5 4.5 4.5 4.5-4.5" />
    <path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
  </svg>
);

export const TrashIcon = (p: IconProps): ReactElement => (
  <svg {...strokeProps(p)}>
    <path d="M4 7h16" />
    <path d="M9.5 7V4.5h5V7" />
    <path d="M6.5 7l1 12.5a1.5 1.5 0 0 0 1.5 1.5h6a1.5 1.5 0 0 0 1.5-1.5l1-12.5" />
    <path d="M10 11v6M14 11v6" />
  </svg>
);
