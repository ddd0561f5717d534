import { useRef, useState, type FormEvent, type ReactElement, type RefObject } from 'react';
import { useClient } from '../../state/client.js';
import { keychainUnlockable, MIN_PASSPHRASE, useKeys } from './store.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { CheckCircleIcon, KeyIcon, LockIcon } from '../../ui/icons.js';
import { useFocusRequest } from './shared.js';
import { messageAt } from '../../state/errors.js';
import { Field } from '../../ui/Field.js';
import { FieldError } from '../../ui/FieldError.js';

/** No vault on this laptop yet: make one, protected by a passphrase. */
export function CreateVaultCard(): ReactElement {
  const client = useClient();
  const busy = useKeys((s) => s.unlockBusy);
  const failure = useKeys((s) => s.unlockFailure);
  const wiped = useKeys((s) => s.wiped);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [alsoLogin, setAlsoLogin] = useState(false);
  const passphraseRef = useRef<HTMLInputElement>(null);
  const repeatRef = useRef<HTMLInputElement>(null);
  useFocusRequest('passphrase', failure?.field === 'repeat' ? repeatRef : passphraseRef);

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void useKeys.getState().create(client, passphrase, repeat, alsoLogin);
  }

  return (
    <Card
      title="Create a key vault"
      id="keys-create"
      icon={<KeyIcon size={24} />}
      description="The vault holds your organisation's BitLocker recovery passwords on this laptop, encrypted with a passphrase you choose, so you can look them up with no network."
    >
      {wiped ? (
        <Notice tone="success" icon={<CheckCircleIcon size={22} />}>
          <p role="status">
            <strong>The key vault was wiped.</strong> No recovery password is left on this laptop.
          </p>
        </Notice>
      ) : null}
      <form className="form" noValidate onSubmit={submit} aria-label="Create a key vault">
        {failure && failure.field === null ? <ErrorBanner title="The vault was not created" message={failure.message} /> : null}
        <PassphraseField
          id="keys-new-passphrase"
          label="Passphrase"
          hint={`At least ${MIN_PASSPHRASE} characters. Anyone with this laptop and the passphrase can read every key, so do not write it on the laptop. There is no way to recover a forgotten passphrase: you would wipe the vault and import the export again.`}
          autoComplete="new-password"
          value={passphrase}
          inputRef={passphraseRef}
          error={messageAt(failure, 'passphrase')}
          onChange={(value) => {
            setPassphrase(value);
            if (failure?.field === 'passphrase') useKeys.getState().clearUnlockFailure();
          }}
        />
        <PassphraseField
          id="keys-repeat-passphrase"
          label="Repeat the passphrase"
          autoComplete="new-password"
          value={repeat}
          inputRef={repeatRef}
          error={messageAt(failure, 'repeat')}
          onChange={(value) => {
            setRepeat(value);
            if (failure?.field === 'repeat') useKeys.getState().clearUnlockFailure();
          }}
        />
        <LaptopLoginChoice id="keys-new-also-login" checked={alsoLogin} error={messageAt(failure, 'alsoUnlockWithLaptopLogin')} onChange={setAlsoLogin} />
        <div className="form__actions">
          <Button type="submit" variant="primary" icon={<KeyIcon />} busy={busy}>
            {busy ? 'Creating…' : 'Create the vault'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** A vault exists but is locked (at start, after Lock, or after the idle time). */
export function UnlockCard(): ReactElement {
  const client = useClient();
  const busy = useKeys((s) => s.unlockBusy);
  const failure = useKeys((s) => s.unlockFailure);
  const keychain = useKeys((s) => keychainUnlockable(s.status));
  const [passphrase, setPassphrase] = useState('');
  const [alsoLogin, setAlsoLogin] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useFocusRequest('passphrase', inputRef, { select: true });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void useKeys.getState().unlock(client, passphrase, alsoLogin);
  }

  return (
    <Card title="Unlock the key vault" id="keys-unlock" icon={<LockIcon size={24} />} description="The recovery passwords on this laptop are encrypted. Type the vault passphrase to look them up.">
      <form className="form" noValidate onSubmit={submit} aria-label="Unlock the key vault">
        {failure && failure.field === null ? <ErrorBanner title="The vault was not unlocked" message={failure.message} /> : null}
        <PassphraseField
          id="keys-passphrase"
          label="Vault passphrase"
          autoComplete="current-password"
          value={passphrase}
          inputRef={inputRef}
          autoFocus
          error={messageAt(failure, 'passphrase')}
          onChange={(value) => {
            setPassphrase(value);
            useKeys.getState().clearUnlockFailure();
          }}
          action={
            <Button type="submit" variant="primary" icon={<LockIcon />} busy={busy}>
              {busy ? 'Unlocking…' : 'Unlock'}
            </Button>
          }
        />
        <LaptopLoginChoice id="keys-also-login" checked={alsoLogin} error={messageAt(failure, 'alsoUnlockWithLaptopLogin')} onChange={setAlsoLogin} />
        {keychain ? (
          <div className="form__actions">
            <Button type="button" icon={<KeyIcon />} disabled={busy} onClick={() => void useKeys.getState().unlockWithKeychain(client)}>
              Unlock with this laptop&apos;s login
            </Button>
            <p className="field__hint">A copy of the vault key is kept in this user&apos;s keychain on this laptop, so no passphrase needs typing here.</p>
          </div>
        ) : null}
      </form>
    </Card>
  );
}

/**
 * The technician's choice to keep a copy of the vault key in this laptop's keychain. Off by
 * default: with it, anyone who can sign in as this user here opens the vault without the
 * passphrase. Where the host has no keychain, the box is disabled and says why.
 */
function LaptopLoginChoice({ id, checked, error, onChange }: { id: string; checked: boolean; error: string | null; onChange(checked: boolean): void }): ReactElement {
  const status = useKeys((s) => s.status);
  const available = status?.safeStorageAvailable === true;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hint = available
    ? "Keeps a copy of the vault key in your keychain on this laptop: next time you can unlock here without the passphrase, and so can anyone who signs in as you on this laptop."
    : (status?.safeStorageUnavailableReason ?? "This laptop's login cannot unlock the vault here.");
  return (
    <div className={['login-choice', error ? 'field--invalid' : null].filter(Boolean).join(' ')}>
      <label className="login-choice__label" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={available && checked}
          disabled={!available}
          aria-describedby={[error ? errorId : null, hintId].filter(Boolean).join(' ')}
          aria-invalid={error ? true : undefined}
          onChange={(event) => {
            onChange(event.target.checked);
            if (error) useKeys.getState().clearUnlockFailure();
          }}
        />
        <span>Also unlock with this laptop&apos;s login</span>
      </label>
      <p className="field__hint" id={hintId}>
        {hint}
      </p>
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </div>
  );
}

interface PassphraseFieldProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  error: string | null;
  autoComplete: 'new-password' | 'current-password';
  inputRef: RefObject<HTMLInputElement | null>;
  autoFocus?: boolean;
  action?: ReactElement;
  onChange(value: string): void;
}

function PassphraseField({ id, label, hint, value, error, autoComplete, inputRef, autoFocus, action, onChange }: PassphraseFieldProps): ReactElement {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(aria) => (
        <div className="field__row">
          <input
            ref={inputRef}
            id={id}
            className="input"
            type="password"
            autoComplete={autoComplete}
            spellCheck={false}
            // The vault's first screen has one thing to do; the keyboard starts there.
            autoFocus={autoFocus}
            value={value}
            {...aria}
            onChange={(event) => onChange(event.target.value)}
          />
          {action}
        </div>
      )}
    </Field>
  );
}

