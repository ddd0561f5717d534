import { useEffect, useRef, type FormEvent, type ReactElement } from 'react';
import { KeyIdInput } from '../keys/KeyIdInput.js';
import type { MachineState } from '../../../core/journal/schemas.js';
import type { WalkthroughStep } from '../../../core/recover/walkthrough.js';
import { useClient } from '../../state/client.js';
import { useNavigation } from '../../state/navigation.js';
import { Button } from '../../ui/Button.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { Field } from '../../ui/Field.js';
import { CheckIcon, CloudIcon, InfoIcon, KeyIcon, SearchIcon } from '../../ui/icons.js';
import { Loading } from '../../ui/Spinner.js';
import { RevealView } from '../keys/RevealView.js';
import { CandidateLabel, KeyIdText } from '../keys/shared.js';
import { GraphSignInBox } from '../keys/GraphSignInBox.js';
import { useKeys, vaultPhase } from '../keys/store.js';
import { UnlockCard } from '../keys/VaultGate.js';
import { REVEAL_REASON, useRecover } from './store.js';
import { StepFrame } from './StepView.js';
import { onlineLookupSentence } from './words.js';
import { useRecoverFocus } from './shared.js';

/**
 * Step 2, inline: the key ID from the blue screen, typed or scanned (Enter looks it up), then
 * Reveal — the reason is filled in and the audit record names this machine — shown with the
 * Keys screen's own reveal view (8 groups, QR, Code128). The vault, its lock and the password
 * stay the Keys store's.
 */
export function BitLockerStep({ step, total, machine, confirmed }: { step: WalkthroughStep; total: number; machine: MachineState; confirmed: boolean }): ReactElement {
  const client = useClient();
  const status = useKeys((s) => s.status);
  const statusError = useKeys((s) => s.statusError);
  const revealed = useKeys((s) => s.revealed);
  const phase = vaultPhase(status, statusError);
  const keyQuery = useRecover((s) => s.walk?.keyQuery ?? '');
  const windowsVolume = useRecover((s) => s.walk?.windowsVolume ?? '');
  const busy = useRecover((s) => s.busy);
  const lookupRunning = useKeys((s) => s.lookup.status === 'running');
  const graphSignedIn = useKeys((s) => s.graph?.state === 'signed-in');
  const keyInput = useRef<HTMLInputElement>(null);
  useRecoverFocus('key-id', keyInput, { select: true });

  useEffect(() => {
    void useKeys.getState().refresh(client);
  }, [client]);

  const wasLocked = useRef(phase !== 'unlocked');
  useEffect(() => {
    // Unlocked from here: the key ID is what the technician types next.
    if (phase === 'unlocked' && wasLocked.current) keyInput.current?.focus();
    wasLocked.current = phase !== 'unlocked';
  }, [phase]);

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void useRecover.getState().lookupKey(client);
  }

  const next = (): void => void useRecover.getState().confirmSteps(client, [step], { stage: 'step', index: Math.min(step.index + 1, total - 1) });

  return (
    <StepFrame
      step={step}
      total={total}
      testId="bitlocker-step"
      actions={
        <Button variant={revealed ? 'primary' : 'secondary'} icon={<CheckIcon />} busy={busy} onClick={next} data-testid="confirm-step">
          {revealed || confirmed ? 'Unlocked — next step' : 'No BitLocker here — next step'}
        </Button>
      }
    >

      {phase === 'loading' ? <Loading>Opening the key vault…</Loading> : null}
      {!revealed ? <GraphSignInBox /> : null}
      {phase === 'unavailable' ? <Notice tone="warning" icon={<InfoIcon size={20} />}><p>{statusError}</p></Notice> : null}
      {phase === 'absent' ? (
        <Notice tone="info" icon={<InfoIcon size={20} />}>
          <p className="banner__title">No key vault on this laptop</p>
          <p>
            {onlineLookupSentence('absent', graphSignedIn)} Or import the recovery keys on the Keys screen, or ask the helpdesk to read the password to you.{' '}
            <button type="button" className="link-button" onClick={() => useNavigation.getState().go('keys', { focusHeading: true })}>
              Open Keys
            </button>
          </p>
        </Notice>
      ) : null}
      {phase === 'locked' ? (
        <Notice tone="info" icon={<InfoIcon size={20} />}>
          <p className="banner__title" data-testid="vault-locked-note">
            Vault locked — unlock to search it too
          </p>
          <p data-testid="online-lookup-note">{onlineLookupSentence('locked', graphSignedIn)}</p>
        </Notice>
      ) : null}
      {phase === 'locked' ? <UnlockCard /> : null}
      {phase !== 'loading' && phase !== 'unavailable' && !revealed ? (
        <>
          <form className="lookup" noValidate onSubmit={submit} role="search" aria-label="Find this machine's recovery password">
            <Field id="recover-key-id" label="Key ID from the blue screen" hint="Type or scan it; the first 8 characters are enough. Enter looks it up." error={null} wide>
              {(aria) => (
                <div className="field__row">
                  <KeyIdInput id="recover-key-id" inputRef={keyInput} value={keyQuery} onChange={(keyQuery) => useRecover.getState().edit({ keyQuery })} aria={aria} />
                  <Button type="submit" variant="primary" icon={<SearchIcon />} busy={lookupRunning}>
                    Look up
                  </Button>
                </div>
              )}
            </Field>
          </form>
          <LookupOutcome hostname={machine.machine.hostname} />
          <EscrowOutcome hostname={machine.machine.hostname} />
        </>
      ) : null}
      {revealed ? <RevealView revealed={revealed} /> : null}

      {step.commands.length > 0 ? (
        <Field id="recover-volume" label="Windows drive letter in this prompt" hint="Often C:, sometimes D: in WinPE and WinRE; the commands below fill it in." error={null}>
          {(aria) => (
            <input
              id="recover-volume"
              className="input mono stick-letter__input"
              type="text"
              maxLength={2}
              placeholder="C"
              autoComplete="off"
              value={windowsVolume}
              {...aria}
              onChange={(event) => useRecover.getState().edit({ windowsVolume: event.target.value.toUpperCase() })}
            />
          )}
        </Field>
      ) : null}
    </StepFrame>
  );
}

/** What the lookup found: one key and Reveal (focused), several to choose from, or none. */
function LookupOutcome({ hostname }: { hostname: string }): ReactElement | null {
  const client = useClient();
  const lookup = useKeys((s) => s.lookup);
  const selected = useKeys((s) => s.selected);
  const revealBusy = useKeys((s) => s.revealBusy);
  const failure = useKeys((s) => s.revealFailure);
  const lookedUp = useRecover((s) => s.walk?.lookedUp ?? null);
  const escrowIdle = useKeys((s) => s.escrow.status === 'idle');
  const reveal = useRef<HTMLButtonElement>(null);
  useRecoverFocus('reveal', reveal);

  // The Keys store keeps its last lookup; show it here only when it was made for this machine.
  if (lookedUp === null || lookup.query !== lookedUp) return null;
  if (lookup.status === 'failed') return <Notice tone="warning" icon={<InfoIcon size={20} />}><p>{lookup.error}</p></Notice>;
  if (lookup.status !== 'done' || !lookup.result) return null;
  const result = lookup.result;
  if (result.kind === 'not-found') {
    return (
      <Notice tone="warning" icon={<InfoIcon size={20} />}>
        <p className="banner__title">Not in the vault</p>
        <p>{result.message}</p>
        {escrowIdle ? (
          <p>
            <Button ref={reveal} variant="primary" icon={<CloudIcon />} onClick={() => void useRecover.getState().askEscrow(client)} data-testid="ask-escrow">
              Ask the backend&apos;s key escrow
            </Button>{' '}
            <span className="muted">Audited on the backend and here, for {hostname}.</span>
          </p>
        ) : null}
      </Notice>
    );
  }
  return (
    <div className="recover-key" data-testid="recover-key">
      {result.kind === 'ambiguous' ? (
        <ul className="candidates__list" aria-label="Matching keys">
          {result.candidates.map((candidate) => (
            <li key={candidate.id}>
              <button type="button" className="candidate" aria-pressed={selected?.id === candidate.id} onClick={() => useKeys.getState().select(candidate)}>
                <CandidateLabel candidate={candidate} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {selected ? (
        <div className="recover-key__found">
          <p>
            Key for <strong>{selected.device ?? 'an unnamed device'}</strong> · <KeyIdText id={selected.id} />
          </p>
          <Button ref={reveal} variant="primary" icon={<KeyIcon />} busy={revealBusy} onClick={() => void useRecover.getState().revealKey(client)} data-testid="reveal-key">
            Reveal the recovery password
          </Button>
          <p className="muted recover-key__audit">
            Recorded in the audit log for <strong>{hostname}</strong>: “{REVEAL_REASON}”.
          </p>
          {failure ? <p className="field__error">{failure.message}</p> : null}
        </div>
      ) : null}
    </div>
  );
}

/** The backend's escrow, asked for this machine: busy, why it failed, or several keys to choose from (no passwords). */
function EscrowOutcome({ hostname }: { hostname: string }): ReactElement | null {
  const client = useClient();
  const escrow = useKeys((s) => s.escrow);
  const lookedUp = useRecover((s) => s.walk?.lookedUp ?? null);
  if (lookedUp === null || escrow.status === 'idle') return null;
  const graph = escrow.source === 'graph';
  if (escrow.status === 'running') return <Loading>{graph ? 'Asking Microsoft Graph' : 'Asking the backend’s key escrow'} for {hostname}…</Loading>;
  if (escrow.status === 'failed') {
    return (
      <Notice tone="warning" icon={<InfoIcon size={20} />}>
        <p className="banner__title">{graph ? 'Microsoft Graph could not help' : 'The backend’s escrow could not help'}</p>
        <p data-testid="escrow-error">{escrow.error}</p>
        {graph ? (
          <p>
            <Button variant="primary" icon={<CloudIcon />} onClick={() => void useRecover.getState().askEscrow(client)} data-testid="ask-escrow">
              Ask the backend&apos;s key escrow
            </Button>
          </p>
        ) : null}
      </Notice>
    );
  }
  if (!escrow.candidates) return null;
  return (
    <div className="recover-key" data-testid="escrow-candidates">
      <p>
        <strong>{escrow.message}</strong>
      </p>
      <ul className="candidates__list" aria-label="Escrowed keys that match">
        {escrow.candidates.map((candidate) => (
          <li key={candidate.id}>
            <button type="button" className="candidate" onClick={() => void useRecover.getState().askEscrow(client, candidate.id, escrow.source)}>
              <CandidateLabel candidate={candidate} />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
