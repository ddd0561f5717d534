import type { ReactElement, Ref } from 'react';
import type { MethodOutput } from '../../../core/api/contract.js';
import { useClient } from '../../state/client.js';
import { useMedia, usePlaybooks } from './store.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { AlertIcon, RefreshIcon } from '../../ui/icons.js';
import { Loading } from '../../ui/Spinner.js';
import { FieldError } from '../../ui/FieldError.js';

type Catalog = MethodOutput<'listPlaybooks'>;
type Entry = Catalog['playbooks'][number];

const SOURCE_LABELS: Record<Entry['source'], string> = { 'built-in': 'Built-in', user: 'Yours', file: 'From a file' };

/** Step 1: which playbook the medium applies. */
export function PlaybookStep({ error, firstRadioRef }: { error: string | null; firstRadioRef: Ref<HTMLInputElement> }): ReactElement {
  const client = useClient();
  const { data, error: loadError, loading } = usePlaybooks();
  const selected = useMedia((s) => s.playbookId);

  return (
    <Card title="1. Playbook" id="media-playbook" description="What the medium removes from the crashed PC, and how.">
      {!data && loadError ? (
        <ErrorBanner
          title="Could not read the playbooks"
          message={loadError}
          action={
            <Button icon={<RefreshIcon />} busy={loading} onClick={() => void usePlaybooks.getState().load(client)}>
              Retry
            </Button>
          }
        />
      ) : null}
      {!data && !loadError ? <Loading>Reading the playbooks…</Loading> : null}
      {data ? (
        <fieldset className="choice-group" aria-describedby={error ? 'media-playbook-error' : undefined}>
          <legend className="visually-hidden">Playbook</legend>
          {data.playbooks.length === 0 ? (
            <p className="muted">
              No playbook can be used. Put your playbook files in <span className="mono">{data.userFolder}</span> and open this screen again.
            </p>
          ) : (
            <div className="choice-group__options choice-group__options--list">
              {data.playbooks.map((entry, index) => (
                <PlaybookOption
                  key={entry.playbook.id}
                  entry={entry}
                  checked={selected === entry.playbook.id}
                  inputRef={index === 0 ? firstRadioRef : undefined}
                  onPick={() => useMedia.getState().setPlaybook(entry.playbook.id)}
                />
              ))}
            </div>
          )}
          {error ? <FieldError id="media-playbook-error">{error}</FieldError> : null}
        </fieldset>
      ) : null}
      {data && data.refused.length > 0 ? <RefusedList refused={data.refused} /> : null}
    </Card>
  );
}

function PlaybookOption({ entry, checked, inputRef, onPick }: { entry: Entry; checked: boolean; inputRef: Ref<HTMLInputElement> | undefined; onPick(): void }): ReactElement {
  const { playbook, source } = entry;
  const labelId = `playbook-${playbook.id}-label`;
  const hintId = `playbook-${playbook.id}-hint`;
  const targets = playbook.targets.length;
  return (
    <label className="choice choice--card" data-testid="playbook-option">
      <input ref={inputRef} type="radio" name="playbook" value={playbook.id} checked={checked} onChange={onPick} aria-labelledby={labelId} aria-describedby={hintId} />
      <span className="choice__text">
        <span className="choice__title-row">
          <span className="choice__label" id={labelId}>
            {playbook.title}
          </span>
          <Badge tone={source === 'built-in' ? 'info' : 'neutral'}>{SOURCE_LABELS[source]}</Badge>
        </span>
        <span className="choice__meta">
          <span className="mono">{playbook.id}</span> · version {playbook.version} · {targets} {targets === 1 ? 'target' : 'targets'}
        </span>
        <span className="choice__summary choice__summary--clamp" id={hintId}>
          {playbook.incident.summary}
        </span>
      </span>
    </label>
  );
}

function RefusedList({ refused }: { refused: Catalog['refused'] }): ReactElement {
  return (
    <Notice tone="warning" icon={<AlertIcon size={22} />}>
      <p className="banner__title">
        {refused.length === 1 ? 'One playbook file was refused; it cannot be used until it is fixed:' : `${refused.length} playbook files were refused; they cannot be used until they are fixed:`}
      </p>
      <ul className="refused-list">
        {refused.map((item) => (
          <li key={item.file}>
            {item.declaredId ? <strong className="mono">{item.declaredId}</strong> : null} <span className="refused-list__message">{item.message}</span>
          </li>
        ))}
      </ul>
    </Notice>
  );
}
