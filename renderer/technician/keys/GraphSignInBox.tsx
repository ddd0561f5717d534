import { useEffect, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { Button } from '../../ui/Button.js';
import { CloudIcon } from '../../ui/icons.js';
import { useKeys } from './store.js';

/** How often the screen asks whether the person has entered the code yet (the privileged side polls Microsoft). */
const WAITING_POLL_MS = 2_000;

/**
 * The Microsoft Graph sign-in, device-code style: the code and the page to enter it at (on a
 * phone, when this laptop is locked down), then "signed in". Lookups by key ID then ask Graph
 * after the vault. Nothing shows when Settings name no tenant and app.
 */
export function GraphSignInBox(): ReactElement | null {
  const client = useClient();
  const graph = useKeys((s) => s.graph);
  const graphError = useKeys((s) => s.graphError);
  const waiting = graph?.state === 'waiting';

  useEffect(() => {
    void useKeys.getState().refreshGraph(client);
  }, [client]);
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(() => void useKeys.getState().refreshGraph(client), WAITING_POLL_MS);
    return () => clearInterval(timer);
  }, [client, waiting]);

  if (!graph || graph.state === 'not-configured') return null;
  return (
    <div className="graph-sign-in" data-testid="graph-sign-in" aria-live="polite">
      <CloudIcon size={20} />
      {graph.state === 'signed-in' ? (
        <>
          <p className="graph-sign-in__text">Signed in to Microsoft Graph: key IDs the vault does not hold are looked up there.</p>
          <Button variant="ghost" onClick={() => void useKeys.getState().signOutGraph(client)}>
            Sign out
          </Button>
        </>
      ) : waiting ? (
        <>
          <p className="graph-sign-in__text">
            On any device, open <strong className="mono">{graph.verificationUri}</strong> and enter the code <strong className="mono graph-sign-in__code" data-testid="graph-user-code">{graph.userCode}</strong>. Waiting for the sign-in…
          </p>
          <Button variant="ghost" onClick={() => void useKeys.getState().signOutGraph(client)}>
            Cancel
          </Button>
        </>
      ) : (
        <>
          <p className="graph-sign-in__text">{graph.state === 'failed' ? graph.error : (graphError ?? 'Microsoft Graph: sign in to look up keys the vault does not hold.')}</p>
          <Button variant="secondary" onClick={() => void useKeys.getState().signInGraph(client)} data-testid="graph-sign-in-start">
            Sign in to Microsoft Graph
          </Button>
        </>
      )}
    </div>
  );
}
