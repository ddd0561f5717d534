import { useRef, type ReactElement, type ReactNode } from 'react';
import type { RecoveryPath } from '../../../core/journal/schemas.js';
import type { WalkthroughStep } from '../../../core/recover/walkthrough.js';
import { Button } from '../../ui/Button.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { CheckIcon, InfoIcon } from '../../ui/icons.js';
import { CommandLine, useRecoverFocus } from './shared.js';

/**
 * Whether a step asks for the stick's letter: it finds it, a command waits for it, or a command
 * runs from the stick with the letter filled in (the field stays, so a mistyped letter can be corrected).
 */
export function asksStickLetter(step: WalkthroughStep): boolean {
  return step.commands.some((command) => command.needs === 'stick-letter' || /echo %d:/.test(command.text) || /^[A-Z]:\\bootmend\\fix\.cmd$/.test(command.text));
}

/** The playbook's notes and commands for one step, shared by the BitLocker step and the others. */
export function StepBody({ step }: { step: WalkthroughStep }): ReactElement {
  return (
    <>
      {step.notes.map((note) => (
        <Notice key={note} tone="warning" icon={<InfoIcon size={20} />}>
          <p>{note}</p>
        </Notice>
      ))}
      {step.commands.length > 0 ? (
        <ol className="commands" aria-label="Commands for this step">
          {step.commands.map((command) => (
            <CommandLine key={command.text} command={command} />
          ))}
        </ol>
      ) : null}
    </>
  );
}

/**
 * The frame every confirmable step shares: its count and title, the playbook's detail, what
 * the step adds (the stick's letter, the key lookup), its notes and commands, and the confirm.
 */
export function StepFrame({ step, total, testId, children, actions }: { step: WalkthroughStep; total: number; testId: string; children?: ReactNode; actions: ReactNode }): ReactElement {
  const titleId = `recover-${testId}-title`;
  return (
    <section className="walk-stage" aria-labelledby={titleId} data-testid={testId}>
      <p className="walk-stage__count muted">
        Step {step.index + 1} of {total}
      </p>
      <h2 className="walk-stage__title" id={titleId}>
        {step.title}
      </h2>
      <p className="walk-stage__detail">{step.detail}</p>
      {children}
      <StepBody step={step} />
      <div className="walk-stage__actions">{actions}</div>
    </section>
  );
}

export interface StepViewProps {
  step: WalkthroughStep;
  /** The way in: in Safe Mode File Explorer shows the stick's letter; in a recovery prompt a printed line finds it. */
  path: RecoveryPath;
  /** How many steps the walkthrough has, the BitLocker step included. */
  total: number;
  confirmed: boolean;
  busy: boolean;
  stickLetter: string;
  onStickLetter: (letter: string) => void;
  onConfirm: () => void;
}

/** One step of the playbook: what to do, Bootmend's notes, the commands to copy, and Done (Enter). */
export function StepView({ step, path, total, confirmed, busy, stickLetter, onStickLetter, onConfirm }: StepViewProps): ReactElement {
  const confirm = useRef<HTMLButtonElement>(null);
  useRecoverFocus('step', confirm);
  return (
    <StepFrame
      step={step}
      total={total}
      testId="walk-step"
      actions={
        <Button ref={confirm} variant="primary" icon={<CheckIcon />} busy={busy} onClick={onConfirm} data-testid="confirm-step">
          {confirmed ? 'Done — next' : 'Done — next step'}
        </Button>
      }
    >
      {asksStickLetter(step) ? (
        <div className="field stick-letter">
          <label className="field__label" htmlFor="recover-stick-letter">
            The stick&apos;s letter
          </label>
          <p className="field__hint" id="recover-stick-letter-hint">
            {path === 'safe_mode' ? 'The letter File Explorer shows for the stick.' : 'The letter the line printed (never X:).'} The commands below fill it in.
          </p>
          <input
            id="recover-stick-letter"
            className="input mono stick-letter__input"
            type="text"
            maxLength={2}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="recover-stick-letter-hint"
            value={stickLetter}
            onChange={(event) => onStickLetter(event.target.value.toUpperCase())}
          />
        </div>
      ) : null}
    </StepFrame>
  );
}
