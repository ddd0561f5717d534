import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactElement, type RefObject } from 'react';
import type { KeySummaryInfo, LookupKeyResult } from '../../../core/keys/schemas.js';
import { useClient } from '../../state/client.js';
import { useKeys } from './store.js';
import { useNavigation } from '../../state/navigation.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { InfoIcon, SearchIcon } from '../../ui/icons.js';
import { EscrowAsk } from './EscrowAsk.js';
import { RevealForm } from './RevealForm.js';
import { CandidateLabel, formatWhen, KeyIdText, useFocusRequest } from './shared.js';
import { Field } from '../../ui/Field.js';

/** The one big box: a typed or scanned key ID, or a device name; Enter looks it up. */
export function LookupCard({ disabled }: { disabled: boolean }): ReactElement {
  const client = useClient();
  const lookup = useKeys((s) => s.lookup);
  const [query, setQuery] = useState(lookup.query);
  const inputRef = useRef<HTMLInputElement>(null);
  const firstCandidateRef = useRef<HTMLButtonElement>(null);
  useFocusRequest('lookup', inputRef, { select: true });

  useEffect(() => {
    // Open and unlocked: the technician is here to type or scan a key ID. After the Keys shortcut (Alt+digit) the heading keeps focus.
    if (!useNavigation.getState().focusHeading) inputRef.current?.focus();
  }, []);

  useEffect(() => {
    // A result that is not a single key: keep the cursor in the box, text selected, so a rescan replaces it.
    if (lookup.status === 'done' && lookup.result?.kind !== 'found') inputRef.current?.select();
    if (lookup.status === 'failed') inputRef.current?.select();
  }, [lookup]);

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void useKeys.getState().runLookup(client, query);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    // Like a combobox: Down arrow goes from the box to the first candidate.
    if (event.key === 'ArrowDown' && firstCandidateRef.current) {
      event.preventDefault();
      firstCandidateRef.current.focus();
    }
  }

  const error = lookup.status === 'failed' ? lookup.error : null;
  return (
    <Card
      title="Find a recovery password"
      id="keys-lookup"
      icon={<SearchIcon size={24} />}
      description="Type or scan the Key ID from the blue BitLocker recovery screen (the first 8 characters are enough), or type the device name."
    >
      <form className="lookup" noValidate onSubmit={submit} role="search" aria-label="Find a recovery password">
        <Field id="keys-query" label="Key ID or device name" error={error} wide>
          {(aria) => (
            <div className="field__row">
              <input
                ref={inputRef}
                id="keys-query"
                className="input lookup__input mono"
                type="text"
                inputMode="text"
                spellCheck={false}
                autoCapitalize="characters"
                autoComplete="off"
                placeholder="e.g. 1A2B3C4D or PC-BER-001"
                value={query}
                disabled={disabled}
                {...aria}
                onChange={(event) => setQuery(event.target.value)}
                onKeyDown={onKeyDown}
              />
              <Button type="submit" variant="primary" icon={<SearchIcon />} busy={lookup.status === 'running'} disabled={disabled} className="lookup__button">
                Look up
              </Button>
            </div>
          )}
        </Field>
      </form>
      <div className="lookup__results" aria-live="polite" data-testid="lookup-results">
        {lookup.status === 'done' && lookup.result ? <LookupResult result={lookup.result} query={lookup.query} firstCandidateRef={firstCandidateRef} /> : null}
      </div>
    </Card>
  );
}

/** Something shaped like a key ID (8+ hex digits, dashes allowed), not a device name: the escrow is asked by key ID only. */
const KEY_ID_LIKE = /^\{?[0-9a-f]{8}(?:-?[0-9a-f]{0,4}){0,6}[0-9a-f-]*\}?$/i;

function LookupResult({ result, query, firstCandidateRef }: { result: LookupKeyResult; query: string; firstCandidateRef: RefObject<HTMLButtonElement | null> }): ReactElement {
  const selected = useKeys((s) => s.selected);
  if (result.kind === 'not-found') {
    return (
      <Notice tone="warning" icon={<InfoIcon size={22} />}>
        <p className="banner__title">No key found</p>
        <p>{result.message}</p>
        {KEY_ID_LIKE.test(query) ? <EscrowAsk keyId={query} /> : null}
      </Notice>
    );
  }
  if (result.kind === 'found') return <KeyCard keyInfo={result.key} />;
  return (
    <>
      <CandidateList candidates={result.candidates} total={result.total} message={result.message} firstRef={firstCandidateRef} selectedId={selected?.id ?? null} />
      {selected ? <KeyCard keyInfo={selected} /> : null}
    </>
  );
}

/** What the lookup found: no password yet; the reveal form below asks who and why. */
function KeyCard({ keyInfo }: { keyInfo: KeySummaryInfo }): ReactElement {
  return (
    <article className="key-card" aria-labelledby="keys-found-title" data-testid="key-card">
      <h3 className="key-card__title" id="keys-found-title">
        Key for {keyInfo.device ?? 'an unnamed device'}
      </h3>
      <dl className="key-card__facts">
        <div className="key-card__fact key-card__fact--id">
          <dt>Key ID</dt>
          <dd>
            <KeyIdText id={keyInfo.id} className="key-card__id" />
          </dd>
        </div>
        <div className="key-card__fact">
          <dt>Device</dt>
          <dd data-testid="key-device">{keyInfo.device ?? '—'}</dd>
        </div>
        <div className="key-card__fact">
          <dt>Created</dt>
          <dd>{formatWhen(keyInfo.created)}</dd>
        </div>
      </dl>
      <RevealForm keyInfo={keyInfo} />
    </article>
  );
}

/** Several keys match: the technician picks one by device and date. No passwords here. */
function CandidateList({
  candidates,
  total,
  message,
  firstRef,
  selectedId,
}: {
  candidates: KeySummaryInfo[];
  total: number;
  message: string;
  firstRef: RefObject<HTMLButtonElement | null>;
  selectedId: string | null;
}): ReactElement {
  function onKeyDown(event: KeyboardEvent<HTMLUListElement>): void {
    // Up/Down move between candidates, as in a list; Tab still leaves the list.
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
    } else if (event.key === 'ArrowUp' && index === 0) {
      event.preventDefault();
      document.getElementById('keys-query')?.focus();
    }
  }

  return (
    <div className="candidates" data-testid="candidates">
      <p className="candidates__message">
        <strong>{message}</strong>
        {total > candidates.length ? ` Showing the first ${candidates.length} of ${total}.` : ''} Or choose the key below.
      </p>
      <ul className="candidates__list" aria-label="Matching keys" onKeyDown={onKeyDown}>
        {candidates.map((candidate, index) => (
          <li key={candidate.id}>
            <button
              ref={index === 0 ? firstRef : undefined}
              type="button"
              className="candidate"
              aria-pressed={selectedId === candidate.id}
              onClick={() => useKeys.getState().select(candidate)}
            >
              <CandidateLabel candidate={candidate} />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
