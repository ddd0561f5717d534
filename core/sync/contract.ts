import { NoInput } from '../app/contract.js';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { BackendTokenInfoSchema, SaveBackendTokenSchema, SyncStatusSchema, TestConnectionRequestSchema, TestConnectionResultSchema } from './schemas.js';

/** The journal's sync to the shared backend: the technician's token, a connection test, and "Sync now". */
export const syncContract = {
  getBackendToken: defineMethod({
    summary: 'Whether a backend token is saved, its last four characters and how it is kept; never the token.',
    input: NoInput,
    output: BackendTokenInfoSchema,
  }),
  saveBackendToken: defineMethod({
    summary: 'Saves the technician token for the backend in Settings (wrapped by the OS keychain where there is one), then syncs.',
    input: SaveBackendTokenSchema,
    output: BackendTokenInfoSchema,
  }),
  clearBackendToken: defineMethod({
    summary: 'Forgets the saved backend token; events wait in the journal until a new one is saved.',
    input: NoInput,
    output: BackendTokenInfoSchema,
  }),
  testBackendConnection: defineMethod({
    summary: 'Asks the backend who the token is (GET /api/v1/whoami): its name and role, or why not (unreachable, refused, not a Bootmend backend).',
    input: TestConnectionRequestSchema,
    output: TestConnectionResultSchema,
  }),
  syncNow: defineMethod({
    summary: 'Sends the events waiting in the journal now and answers the sync state after it.',
    input: NoInput,
    output: SyncStatusSchema,
  }),
} satisfies ContractSpec;
