import { useState, type FormEvent, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { useKeys } from './store.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { AlertIcon } from '../../ui/icons.js';
import { TrashIcon } from './icons.js';
import { Field } from '../../ui/Field.js';

/** The way out of a lost laptop policy or a forgotten passphrase: destroy the vault file. */
export function WipeCard(): ReactElement {
  const client = useClient();
  const busy = useKeys((s) => s.wipeBusy);
  const error = useKeys((s) => s.wipeError);
  const [confirm, setConfirm] = useState('');

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void useKeys.getState().wipe(client, confirm);
  }

  return (
    <Card
      title="Wipe the key vault"
      id="keys-wipe"
      className="danger-zone"
      icon={<AlertIcon size={24} />}
      description="Overwrites and deletes every recovery password on this laptop, for example when you leave the site or forgot the passphrase. The audit log of reveals is kept. This cannot be undone."
    >
      <form className="wipe" noValidate onSubmit={submit} aria-label="Wipe the key vault">
        <Field id="keys-wipe-confirm" label="Type WIPE to confirm" error={error}>
          {(aria) => (
            <div className="field__row">
              <input
                id="keys-wipe-confirm"
                className="input mono wipe__input"
                type="text"
                spellCheck={false}
                autoComplete="off"
                autoCapitalize="characters"
                value={confirm}
                {...aria}
                onChange={(event) => setConfirm(event.target.value)}
              />
              <Button type="submit" variant="danger" icon={<TrashIcon />} busy={busy} disabled={confirm !== 'WIPE'}>
                {busy ? 'Wiping…' : 'Wipe the vault'}
              </Button>
            </div>
          )}
        </Field>
      </form>
    </Card>
  );
}
