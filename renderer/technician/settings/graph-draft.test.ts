import { describe, expect, it } from 'vitest';
import { graphChanges, graphDraftOf } from './graph-draft.js';

const CLIENT = '11111111-2222-3333-4444-555555555555';

describe('the Microsoft Graph card in Settings', () => {
  it('starts from what is saved, or empty fields when Graph is not set up', () => {
    expect(graphDraftOf({ tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT })).toEqual({ tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT });
    expect(graphDraftOf(undefined)).toEqual({ tenantId: '', clientId: '' });
  });

  it('saves both fields trimmed, and two empty fields turn the Graph lookup off', () => {
    expect(graphChanges({ tenantId: '  contoso.onmicrosoft.com ', clientId: ` ${CLIENT}\n` })).toEqual({ graph: { tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT } });
    expect(graphChanges({ tenantId: ' ', clientId: '' })).toEqual({ graph: null });
  });

  it('refuses one field without the other, beside the empty one, saying what to type', () => {
    expect(graphChanges({ tenantId: '', clientId: CLIENT })).toEqual({ failure: { field: 'graph.tenantId', message: expect.stringContaining('Type the Entra tenant too') as unknown } });
    expect(graphChanges({ tenantId: 'contoso.onmicrosoft.com', clientId: '  ' })).toEqual({ failure: { field: 'graph.clientId', message: expect.stringContaining('Type the application (client) ID too') as unknown } });
  });
});
