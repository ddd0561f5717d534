import type { GraphSettings, Settings } from '../../../core/settings/schemas.js';
import type { FieldFailure } from '../../state/errors.js';

/** The Graph card's fields, named as the service names them in a refusal (core/errors.ts). */
export const GRAPH_FIELDS = ['graph.tenantId', 'graph.clientId'] as const;
export type GraphField = (typeof GRAPH_FIELDS)[number];

export interface GraphDraft {
  tenantId: string;
  clientId: string;
}

export const GRAPH_LABELS: Record<GraphField, string> = {
  'graph.tenantId': 'Entra tenant',
  'graph.clientId': 'Application (client) ID',
};

export function graphDraftOf(graph: Settings['graph']): GraphDraft {
  return { tenantId: graph?.tenantId ?? '', clientId: graph?.clientId ?? '' };
}

/**
 * What Save sends: both fields filled, the set-up (its shape is checked by the service, which
 * names the field it refuses); both empty, null (lookups in Graph off); one empty, a failure
 * beside it, nothing sent.
 */
export function graphChanges(draft: GraphDraft): { graph: GraphSettings | null } | { failure: FieldFailure<GraphField> } {
  const tenantId = draft.tenantId.trim();
  const clientId = draft.clientId.trim();
  if (tenantId === '' && clientId === '') return { graph: null };
  if (tenantId === '') return { failure: { field: 'graph.tenantId', message: 'Type the Entra tenant too: its ID (a GUID) or its domain, like contoso.onmicrosoft.com.' } };
  if (clientId === '') return { failure: { field: 'graph.clientId', message: 'Type the application (client) ID too: the GUID on the app registration’s overview in Entra.' } };
  return { graph: { tenantId, clientId } };
}
