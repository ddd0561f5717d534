import { useState, type FormEvent, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { Button } from '../../ui/Button.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { Field } from '../../ui/Field.js';
import { CloudIcon, InfoIcon } from '../../ui/icons.js';
import { QUICK_REASONS } from './RevealForm.js';
import { CandidateLabel } from './shared.js';
import { useKeys } from './store.js';

/**
 * The vault has no key with this ID: ask the backend's key escrow, for a PC and a reason (the
 * server audits the lookup; a reveal is recorded in this laptop's journal too). One match is
 * shown in the same reveal view as a vault key; several are listed without passwords.
 */
export function EscrowAsk({ keyId }: { keyId: string }): ReactElement {
  const client = useClient();
  const escrow = useKeys((s) => s.escrow);
  const [machine, setMachine] = useState('');
  const [reason, setReason] = useState<string>(QUICK_REASONS[0]);
  const [problem, setProblem] = useState<string | null>(null);

  const graphSignedIn = useKeys((s) => s.graph?.state === 'signed-in');

  function ask(id: string, source = escrow.source ?? 'escrow'): void {
    if (machine.trim() === '') {
      setProblem('Type the name of the PC you are unlocking: it goes into the audit record.');
      document.getElementById('keys-escrow-machine')?.focus();
      return;
    }
    setProblem(null);
    void useKeys.getState().askEscrow(client, { keyId: id, machine, reason }, source);
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    ask(keyId, 'escrow');
  }

  return (
    <form className="escrow-ask" noValidate onSubmit={submit} aria-label="Ask the backend's key escrow" data-testid="escrow-ask">
      <p className="escrow-ask__lead">Not in this vault? The backend&apos;s key escrow may hold it. The lookup is audited on the backend and in this laptop&apos;s journal.</p>
      <div className="escrow-ask__fields">
        <Field id="keys-escrow-machine" label="For which PC?" hint="Its hostname, for the audit record." error={problem}>
          {(aria) => (
            <input id="keys-escrow-machine" className="input mono" type="text" spellCheck={false} autoComplete="off" maxLength={63} value={machine} {...aria} onChange={(event) => setMachine(event.target.value)} />
          )}
        </Field>
        <Field id="keys-escrow-reason" label="Why?" error={null}>
          {(aria) => (
            <select id="keys-escrow-reason" className="input" value={reason} {...aria} onChange={(event) => setReason(event.target.value)}>
              {QUICK_REASONS.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Button type="submit" variant="primary" icon={<CloudIcon />} busy={escrow.status === 'running'} data-testid="ask-escrow">
        Ask the backend&apos;s key escrow
      </Button>
      {graphSignedIn ? (
        <Button variant="secondary" icon={<CloudIcon />} busy={escrow.status === 'running' && escrow.source === 'graph'} onClick={() => ask(keyId, 'graph')} data-testid="ask-graph">
          Ask Microsoft Graph
        </Button>
      ) : null}
      {escrow.status === 'failed' ? (
        <Notice tone="warning" icon={<InfoIcon size={20} />}>
          <p className="banner__title">{escrow.source === 'graph' ? 'Microsoft Graph could not help' : 'The backend’s escrow could not help'}</p>
          <p data-testid="escrow-error">{escrow.error}</p>
        </Notice>
      ) : null}
      {escrow.status === 'done' && escrow.candidates ? (
        <div className="candidates" data-testid="escrow-candidates">
          <p className="candidates__message">
            <strong>{escrow.message}</strong>
          </p>
          <ul className="candidates__list" aria-label="Escrowed keys that match">
            {escrow.candidates.map((candidate) => (
              <li key={candidate.id}>
                <button type="button" className="candidate" onClick={() => ask(candidate.id)}>
                  <CandidateLabel candidate={candidate} />
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
