import type { ReactElement } from 'react';
import { CHECK_LABELS, type BaseTools, type PlaybookCheck } from '../../../core/media/playbook-checks.js';
import { Badge } from '../../ui/Badge.js';
import { AlertIcon, CheckCircleIcon, CrossCircleIcon } from '../../ui/icons.js';

const TOOL_LABELS: Record<keyof BaseTools, string> = { powershell: 'PowerShell', certutil: 'certutil', fc: 'fc', wmic: 'wmic' };

/** The tools fix.cmd's checks use, as found in the base's boot image. */
export function BaseToolsLine({ tools }: { tools: BaseTools }): ReactElement {
  return (
    <p className="checks-tools" data-testid="base-tools">
      <span className="field__label">Tools in the image</span>{' '}
      {(Object.keys(TOOL_LABELS) as (keyof BaseTools)[]).map((tool) => (
        <Badge key={tool} tone={tools[tool] === 'yes' ? 'success' : tools[tool] === 'no' ? 'warning' : 'neutral'}>
          {TOOL_LABELS[tool]}: {tools[tool] === 'yes' ? 'yes' : tools[tool] === 'no' ? 'no' : 'not checked'}
        </Badge>
      ))}
    </p>
  );
}

/** Which of the playbook's checks fix.cmd can make on this base, and what a missing one means at the PC. */
export function PlaybookChecksList({ checks, playbookTitle }: { checks: readonly PlaybookCheck[]; playbookTitle?: string }): ReactElement {
  const can = checks.filter((check) => check.status === 'can');
  const cannot = checks.filter((check) => check.status !== 'can');
  return (
    <div className="checks" data-testid="playbook-checks">
      <p className="field__label">{playbookTitle ? `Checks of "${playbookTitle}" on this base` : "The playbook's checks on this base"}</p>
      <ul className="checks__list">
        {can.map((check) => (
          <li key={`${check.targetId}-${check.check}`} className="checks__item checks__item--can">
            <CheckCircleIcon size={20} />
            <span>
              <strong>{CHECK_LABELS[check.check]}</strong> <span className="muted">by {check.how}</span>
            </span>
          </li>
        ))}
        {cannot.map((check) => (
          <li key={`${check.targetId}-${check.check}`} className={`checks__item checks__item--${check.status}`}>
            {check.status === 'cannot' ? <CrossCircleIcon size={20} /> : <AlertIcon size={20} />}
            <span>
              <strong>{CHECK_LABELS[check.check]}</strong> {check.status === 'cannot' ? 'cannot be made' : 'unknown'}{' '}
              <span className="muted">({check.requirement === 'required' ? 'required' : 'when available'}): {check.how}.</span>
              {check.meaning ? <span className="checks__meaning">{check.meaning}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
