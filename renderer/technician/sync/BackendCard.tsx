import { useEffect, useId, useState, type FormEvent, type ReactElement } from 'react';
import type { BackendTokenInfo, TestConnectionResult } from '../../../core/sync/schemas.js';
import { useClient } from '../../state/client.js';
import { describeError, fieldFailure, messageAt, type FieldFailure } from '../../state/errors.js';
import { useStatus } from '../../state/resources.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { Field } from '../../ui/Field.js';
import { AlertIcon, CheckCircleIcon, ErrorIcon, RefreshIcon } from '../../ui/icons.js';
import { plainTokenWarning, syncSentence, tokenSentence } from './sync-words.js';

/**
 * The technician token for the backend (write-only: the app shows only its last four
 * characters), a connection test, and the sync's state with "Sync now".
 */
export function BackendCard(): ReactElement {
  const client = useClient();
  const status = useStatus((s) => s.data);
  const [info, setInfo] = useState<BackendTokenInfo | null>(null);
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<FieldFailure<'token'> | null>(null);
  const [busy, setBusy] = useState<'save' | 'clear' | 'test' | 'sync' | null>(null);
  const [test, setTest] = useState<TestConnectionResult | null>(null);
  const tokenId = useId();

  useEffect(() => {
    client.call('getBackendToken', {}).then(setInfo, (error: unknown) => setFailure({ message: describeError(error), field: null }));
  }, [client]);

  async function run<T>(what: NonNullable<typeof busy>, call: () => Promise<T>): Promise<T | null> {
    setBusy(what);
    setFailure(null);
    try {
      return await call();
    } catch (error) {
      setFailure(fieldFailure(error, ['token'] as const));
      return null;
    } finally {
      setBusy(null);
      void useStatus.getState().load(client);
    }
  }

  async function save(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setTest(null);
    const saved = await run('save', () => client.call('saveBackendToken', { token }));
    if (saved) {
      setInfo(saved);
      setToken('');
    }
  }

  const sync = status?.sync;
  return (
    <Card title="Sync with the helpdesk" id="settings-backend" description="Your journal goes to the backend whenever this laptop is online; nothing is lost while it is not.">
      <form className="form" noValidate onSubmit={(event) => void save(event)}>
        {failure && !failure.field ? <ErrorBanner title="That did not work" message={failure.message} /> : null}
        <p data-testid="backend-token-state">{tokenSentence(info)}</p>
        {plainTokenWarning(info) ? (
          <Notice tone="warning" icon={<AlertIcon size={20} />}>
            <span data-testid="backend-token-warning">{plainTokenWarning(info)}</span>
          </Notice>
        ) : null}
        <Field id={tokenId} label="Technician token" hint="Paste the token the helpdesk made for you (bootmend-server token create --role technician). It is stored on this laptop and never shown again." error={messageAt(failure, 'token')}>
          {(aria) => (
            <input
              id={tokenId}
              name="backend-token"
              className="input"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              placeholder={info?.set ? 'Paste a new token to replace the saved one' : 'bmt_…'}
              {...aria}
              onChange={(event) => {
                setToken(event.target.value);
                if (failure?.field === 'token') setFailure(null);
              }}
            />
          )}
        </Field>
        <div className="form__actions">
          <Button type="submit" variant="primary" busy={busy === 'save'} aria-disabled={token.trim() === '' || undefined}>
            Save token
          </Button>
          <Button
            busy={busy === 'test'}
            onClick={() => void run('test', () => client.call('testBackendConnection', token.trim() ? { token: token.trim() } : {})).then((result) => setTest(result))}
          >
            Test connection
          </Button>
          {info?.set ? (
            <Button variant="ghost" busy={busy === 'clear'} onClick={() => void run('clear', () => client.call('clearBackendToken', {})).then((cleared) => cleared && setInfo(cleared))}>
              Forget the token
            </Button>
          ) : null}
        </div>
        {test ? (
          <p className={test.ok ? 'form__saved' : 'field__error'} role="status" data-testid="backend-test-result">
            {test.ok ? <CheckCircleIcon size={20} /> : <ErrorIcon size={18} />} {test.detail}
          </p>
        ) : null}
      </form>
      <div className="form__actions">
        <p className="muted" data-testid="sync-state" role="status">
          {sync ? syncSentence(sync) : 'Reading the sync state…'}
        </p>
        <Button icon={<RefreshIcon />} busy={busy === 'sync' || sync?.running === true} onClick={() => void run('sync', () => client.call('syncNow', {}))}>
          Sync now
        </Button>
      </div>
    </Card>
  );
}
