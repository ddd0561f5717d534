import type { ReactElement } from 'react';

export interface ProgressBarProps {
  /** 0..1, or null when the amount of work is not known yet (indeterminate). */
  fraction: number | null;
  /** Accessible name, e.g. "Environment check progress". */
  label: string;
  /** What is happening now, shown under the bar and used as aria-valuetext. */
  message?: string;
  /** Extra detail at the right, e.g. "3 of 6". */
  detail?: string;
}

export function ProgressBar({ fraction, label, message, detail }: ProgressBarProps): ReactElement {
  const percent = fraction === null ? null : Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  const valueText = [percent === null ? null : `${percent}%`, message].filter(Boolean).join(', ');
  return (
    <div className="progress">
      <div className="progress__top">
        <span className="progress__message">{message ?? label}</span>
        <span className="progress__percent">{[detail, percent === null ? null : `${percent}%`].filter(Boolean).join(' · ')}</span>
      </div>
      <div
        className={`progress__track${percent === null ? ' progress__track--indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={valueText || undefined}
      >
        <div className="progress__fill" style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
    </div>
  );
}
