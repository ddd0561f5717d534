import { useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { Settings } from '../../../core/settings/schemas.js';
import { useClient } from '../../state/client.js';
import { messageAt, type FieldFailure } from '../../state/errors.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { Field } from '../../ui/Field.js';
import { CheckCircleIcon, CheckIcon } from '../../ui/icons.js';
import { GRAPH_LABELS, graphChanges, graphDraftOf, type GraphDraft, type GraphField } from './graph-draft.js';
import { useSettings } from './store.js';

const HINTS: Record<GraphField, string> = {
  'graph.tenantId': 'Your organisation’s tenant ID (a GUID) or its domain, for example contoso.onmicrosoft.com.',
  'graph.clientId': 'The GUID of the app registration allowed to read BitLocker keys (delegated BitLockerKey.Read.All, public client flows on). Your Entra admin has it.',
};

const KEYS: Record<GraphField, keyof GraphDraft> = { 'graph.tenantId': 'tenantId', 'graph.clientId': 'clientId' };

/**
 * Where the Microsoft Graph sign-in goes (Entra tenant, app registration), so a key ID the vault
 * does not hold can be looked up in Entra. Nothing secret is kept here: the sign-in itself
 * happens on the Keys screen or a machine's BitLocker step, and its token stays in memory.
 */
export function GraphCard({ graph }: { graph: Settings['graph'] }): ReactElement {
  const client = useClient();
  const [draft, setDraft] = useState<GraphDraft>(graphDraftOf(graph));
  const [failure, setFailure] = useState<FieldFailure<GraphField> | null>(null);
  const [busy, setBusy] = useState<'save' | 'off' | null>(null);
  const [saved, setSaved] = useState<'on' | 'off' | null>(null);
  const inputs = useRef<Partial<Record<GraphField, HTMLInputElement | null>>>({});
  const baseId = useId();

  async function save(draftToSave: GraphDraft, what: NonNullable<typeof busy>): Promise<void> {
    setSaved(null);
    const changes = graphChanges(draftToSave);
    if ('failure' in changes) {
      setFailure(changes.failure);
      if (changes.failure.field) inputs.current[changes.failure.field]?.focus();
      return;
    }
    setBusy(what);
    const result = await useSettings.getState().save(client, changes, Object.keys(KEYS) as GraphField[]);
    setBusy(null);
    setFailure(result);
    if (result) {
      if (result.field) inputs.current[result.field]?.focus();
      return;
    }
    setDraft(graphDraftOf(useSettings.getState().settings?.graph));
    setSaved(changes.graph ? 'on' : 'off');
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void save(draft, 'save');
  }

  return (
    <Card title="Microsoft Graph" id="settings-graph" testId="settings-graph" description="Looks up in Entra ID the recovery keys your vault does not hold, after you sign in with your work account (Keys screen or a machine's BitLocker step).">
      <form className="form" noValidate onSubmit={submit} aria-label="Microsoft Graph set-up">
        {failure && !failure.field ? <ErrorBanner title="The Microsoft Graph set-up was not saved" message={failure.message} /> : null}
        <p data-testid="graph-settings-state">
          {graph ? (
            <>
              Set up for <strong className="mono">{graph.tenantId}</strong>. Sign in from the Keys screen or a machine&apos;s BitLocker step.
            </>
          ) : (
            'Not set up: Bootmend looks keys up in its vault and the backend’s escrow only.'
          )}
        </p>
        {(Object.keys(KEYS) as GraphField[]).map((field) => {
          const id = `${baseId}-${KEYS[field]}`;
          return (
            <Field key={field} id={id} label={GRAPH_LABELS[field]} hint={HINTS[field]} error={messageAt(failure, field)}>
              {(aria) => (
                <input
                  ref={(element) => {
                    inputs.current[field] = element;
                  }}
                  id={id}
                  name={field}
                  className="input mono"
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  autoCapitalize="off"
                  placeholder={field === 'graph.tenantId' ? 'contoso.onmicrosoft.com' : '00000000-0000-0000-0000-000000000000'}
                  value={draft[KEYS[field]]}
                  {...aria}
                  onChange={(event) => {
                    setDraft((previous) => ({ ...previous, [KEYS[field]]: event.target.value }));
                    setSaved(null);
                    if (failure?.field === field) setFailure(null);
                  }}
                />
              )}
            </Field>
          );
        })}
        <div className="form__actions">
          <Button type="submit" variant="primary" icon={<CheckIcon />} busy={busy === 'save'}>
            Save Microsoft Graph set-up
          </Button>
          {graph ? (
            <Button variant="ghost" busy={busy === 'off'} onClick={() => void save({ tenantId: '', clientId: '' }, 'off')}>
              Turn Graph lookups off
            </Button>
          ) : null}
          <p className="form__saved" role="status" data-testid="graph-settings-saved">
            {saved ? (
              <>
                <CheckCircleIcon size={20} /> {saved === 'on' ? 'Saved.' : 'Graph lookups are off.'}
              </>
            ) : null}
          </p>
        </div>
      </form>
    </Card>
  );
}
