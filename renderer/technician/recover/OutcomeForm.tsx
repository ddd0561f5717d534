import { useRef, type ReactElement } from 'react';
import type { Outcome, RecoveryPath } from '../../../core/journal/schemas.js';
import type { OutcomeProblem } from '../../../core/recover/outcome.js';
import type { FieldFailure } from '../../state/errors.js';
import { PATH_INFO } from '../../../core/recover/walkthrough.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { InfoIcon } from '../../ui/icons.js';
import { useRecoverFocus } from './shared.js';
import { OUTCOME_CHOICES, STATUS_LABEL } from './words.js';

export interface OutcomeFormProps {
  path: RecoveryPath | null;
  notes: string;
  files: string;
  keyIdUsed: string | null;
  /** What the stick's result for this machine says, when it was read back. */
  suggested: Outcome | null;
  problem: FieldFailure<OutcomeProblem['field']> | null;
  busy: boolean;
  onNotes: (notes: string) => void;
  onFiles: (files: string) => void;
  onOutcome: (outcome: Outcome) => void;
  onChoosePath: () => void;
}

/** The last step: one button per outcome (Fixed first and focused), with notes and the files removed. */
export function OutcomeForm({ path, notes, files, keyIdUsed, suggested, problem, busy, onNotes, onFiles, onOutcome, onChoosePath }: OutcomeFormProps): ReactElement {
  const first = useRef<HTMLButtonElement>(null);
  useRecoverFocus('outcome', first);
  const ordered = suggested ? [...OUTCOME_CHOICES].sort((a, b) => Number(b.outcome === suggested) - Number(a.outcome === suggested)) : OUTCOME_CHOICES;
  return (
    <section className="walk-stage" aria-labelledby="recover-outcome-title" data-testid="outcome-form">
      <h2 className="walk-stage__title" id="recover-outcome-title">
        How did it end?
      </h2>
      <p className="muted">
        {path ? `Path: ${PATH_INFO[path].label}.` : 'No path chosen yet.'}
        {keyIdUsed ? ` Key ID used: ${keyIdUsed}.` : ''} Saved in the journal at once; Undo is offered for 10 seconds.
      </p>
      {suggested ? (
        <Notice tone="info" icon={<InfoIcon size={20} />}>
          <p>
            The stick&apos;s result for this machine says <strong>{STATUS_LABEL[suggested].toLowerCase()}</strong>; the files it removed are filled in below.
          </p>
        </Notice>
      ) : null}
      {problem ? (
        <ErrorBanner
          title="Not recorded"
          message={problem.message}
          action={
            problem.field === 'path' ? (
              <Button variant="primary" onClick={onChoosePath}>
                Choose the path
              </Button>
            ) : undefined
          }
        />
      ) : null}
      <div className="outcomes" role="group" aria-label="Outcome">
        {ordered.map((choice, index) => (
          <button
            key={choice.outcome}
            ref={index === 0 ? first : undefined}
            type="button"
            className={['outcome-button', index === 0 ? 'outcome-button--first' : null, `outcome-button--${choice.outcome}`].filter(Boolean).join(' ')}
            disabled={busy}
            aria-keyshortcuts={choice.key}
            onClick={() => onOutcome(choice.outcome)}
          >
            <span className="outcome-button__label">
              {choice.label} <kbd>{choice.key}</kbd>
            </span>
            <span className="outcome-button__hint">{choice.hint}</span>
          </button>
        ))}
      </div>
      <div className="outcome-fields">
        <div className="field">
          <label className="field__label" htmlFor="recover-notes">
            Notes (optional)
          </label>
          <textarea id="recover-notes" className="input textarea" rows={3} maxLength={2000} value={notes} onChange={(event) => onNotes(event.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="recover-files">
            Files removed (one a line)
          </label>
          <textarea id="recover-files" className="input textarea mono" rows={3} spellCheck={false} value={files} onChange={(event) => onFiles(event.target.value)} />
        </div>
      </div>
    </section>
  );
}
