import { useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { KeySummaryInfo } from '../../../core/keys/schemas.js';
import { useClient } from '../../state/client.js';
import { useKeys } from './store.js';
import { useSettings } from '../settings/store.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { KeyIcon } from '../../ui/icons.js';
import { useFocusRequest } from './shared.js';
import { Field } from '../../ui/Field.js';
import { FieldError } from '../../ui/FieldError.js';
import { messageAt } from '../../state/errors.js';
import { MachinePicker } from './MachinePicker.js';
import type { PickedMachine } from './machine-picker.js';

/** The usual reasons, one keystroke away; "Other" takes the technician's own words. */
export const QUICK_REASONS = [
  'Recovery screen after the faulty update',
  'Unlocking the drive to remove the faulty files',
  'Recovery screen after a BIOS or hardware change',
] as const;
const OTHER = 'other';

/**
 * The explicit second step before any password is shown: for which PC, and why. Both go
 * into the audit record with the technician's name from Settings.
 */
export function RevealForm({ keyInfo }: { keyInfo: KeySummaryInfo }): ReactElement {
  const client = useClient();
  const busy = useKeys((s) => s.revealBusy);
  const failure = useKeys((s) => s.revealFailure);
  const technician = useSettings((s) => s.settings?.technicianName.trim() ?? '');
  const [machine, setMachine] = useState(keyInfo.device ?? '');
  const [picked, setPicked] = useState<PickedMachine | null>(null);
  const [choice, setChoice] = useState<string>(QUICK_REASONS[0]);
  const [details, setDetails] = useState('');
  const machineRef = useRef<HTMLInputElement>(null);
  const detailsRef = useRef<HTMLInputElement>(null);
  const baseId = useId();
  useFocusRequest('reveal-form', machineRef, { select: true });

  const reason = choice === OTHER ? details.trim() : details.trim() ? `${choice}: ${details.trim()}` : choice;
  const machineError = messageAt(failure, 'machine');
  const reasonError = messageAt(failure, 'reason');

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (choice === OTHER && details.trim() === '') {
      detailsRef.current?.focus();
    } else if (machine.trim() === '') {
      machineRef.current?.focus();
    }
    void useKeys.getState().reveal(client, machine, reason, picked?.machineId);
  }

  return (
    <form className="reveal-form" noValidate onSubmit={submit} aria-label="Reveal the recovery password">
      {failure && failure.field === null ? <ErrorBanner title="The password was not revealed" message={failure.message} /> : null}
      <Field
        id="keys-machine"
        label="For which PC?"
        hint="Filled in from the key; change it if the PC was renamed. Type its hostname, asset tag or serial to pick it from the journal (↓ lists the machines), or a new name."
        error={machineError}
      >
        {(aria) => (
          <MachinePicker
            id="keys-machine"
            inputRef={machineRef}
            value={machine}
            picked={picked}
            aria={aria}
            onType={(text) => {
              setMachine(text);
              setPicked(null);
              useKeys.getState().clearRevealFailure('machine');
            }}
            onPick={(chosen) => {
              setMachine(chosen.machine.hostname);
              setPicked(chosen);
              useKeys.getState().clearRevealFailure('machine');
            }}
          />
        )}
      </Field>

      <fieldset className="choice-group reason" aria-describedby={reasonError ? 'keys-reason-error' : undefined}>
        <legend className="field__label">Why?</legend>
        <div className="reason__options">
          {[...QUICK_REASONS, OTHER].map((option) => (
            <label key={option} className="choice reason__choice">
              <input
                type="radio"
                name={`${baseId}-reason`}
                value={option}
                checked={choice === option}
                onChange={() => {
                  setChoice(option);
                  useKeys.getState().clearRevealFailure('reason');
                }}
              />
              <span className="choice__label">{option === OTHER ? 'Other (say why below)' : option}</span>
            </label>
          ))}
        </div>
        {/* The reason's error is about the whole group, so it stays under the fieldset (which it describes), not in this field. */}
        <Field id="keys-reason-details" label={choice === OTHER ? 'Reason' : 'Details (optional)'} error={null} wide className="reason__details">
          {(aria) => (
            <input
              ref={detailsRef}
              id="keys-reason-details"
              className="input"
              type="text"
              autoComplete="off"
              maxLength={150}
              placeholder={choice === OTHER ? 'Why you need this password' : 'e.g. ticket number'}
              value={details}
              {...aria}
              aria-invalid={reasonError ? true : undefined}
              onChange={(event) => {
                setDetails(event.target.value);
                useKeys.getState().clearRevealFailure('reason');
              }}
            />
          )}
        </Field>
        {reasonError ? <FieldError id="keys-reason-error">{reasonError}</FieldError> : null}
      </fieldset>

      <div className="reveal-form__actions">
        <Button type="submit" variant="primary" icon={<KeyIcon />} busy={busy} className="reveal-form__button">
          {busy ? 'Revealing…' : 'Reveal recovery password'}
        </Button>
        <p className="reveal-form__audit">
          Recorded in the audit log: <strong>{technician || 'unnamed technician'}</strong>, this key ID, the PC{picked ? ' (with its serial, asset tag and site from the journal)' : ''} and the reason, with the time.
          {technician ? '' : ' Set your name in Settings first.'}
        </p>
      </div>
    </form>
  );
}
