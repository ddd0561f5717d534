import { NoInput } from '../app/contract.js';
import { defineMethod, type ContractSpec } from '../api/define.js';
import {
  EscrowLookupRequestSchema,
  EscrowLookupResultSchema,
  GraphSignInRequestSchema,
  GraphSignInSchema,
  ImportKeysRequestSchema,
  ImportSummarySchema,
  LookupKeyRequestSchema,
  ListRevealedKeysRequestSchema,
  LookupKeyResultSchema,
  RevealedKeySchema,
  RevealedListSchema,
  RevealKeyRequestSchema,
  UnlockVaultRequestSchema,
  VaultStatsSchema,
  VaultStatusSchema,
  WipeVaultRequestSchema,
} from './schemas.js';

/** The BitLocker key vault: unlock, import, look up, the audited reveal, and the list of keys to rotate. */
export const keysContract = {
  getVaultStatus: defineMethod({
    summary: 'Whether a key vault exists, is unlocked, how many keys it holds and when it expires.',
    input: NoInput,
    output: VaultStatusSchema,
  }),
  unlockVault: defineMethod({
    summary: 'Decrypts the key vault into memory with the passphrase (or the OS keychain), or creates an empty one.',
    input: UnlockVaultRequestSchema,
    output: VaultStatusSchema,
  }),
  lockVault: defineMethod({
    summary: "Forgets the decrypted keys and the passphrase from the app's memory.",
    input: NoInput,
    output: VaultStatusSchema,
  }),
  importKeys: defineMethod({
    summary: 'Imports BitLocker key exports (AD, Graph, Entra/Intune, MBAM, CSV) into the unlocked vault, reporting each rejected row.',
    input: ImportKeysRequestSchema,
    output: ImportSummarySchema,
    streams: true,
  }),
  lookupKey: defineMethod({
    summary: 'Finds a key by key ID (8+ characters) or device name; never returns the password.',
    input: LookupKeyRequestSchema,
    output: LookupKeyResultSchema,
  }),
  revealKey: defineMethod({
    summary: 'Records the reveal in the audit journal, then returns the recovery password with its QR code and barcodes.',
    input: RevealKeyRequestSchema,
    output: RevealedKeySchema,
  }),
  lookupEscrowKey: defineMethod({
    summary: "Asks the backend's key escrow for a key ID (8+ characters) the vault does not hold, for a machine and a reason (the server audits it); one match is recorded in the local audit journal before its password is returned, several answer the candidates without passwords.",
    input: EscrowLookupRequestSchema,
    output: EscrowLookupResultSchema,
  }),
  getGraphSignIn: defineMethod({
    summary: "Where the Microsoft Graph sign-in stands (not set up, signed out, waiting for the code to be entered, signed in, failed); never the token.",
    input: NoInput,
    output: GraphSignInSchema,
  }),
  startGraphSignIn: defineMethod({
    summary: "Starts a Microsoft device-code sign-in (tenant and client ID from Settings unless the request names them): answers the code and the page to enter it at, then waits for the sign-in in the background (getGraphSignIn says when it is done). The token stays in this app's memory.",
    input: GraphSignInRequestSchema,
    output: GraphSignInSchema,
  }),
  signOutGraph: defineMethod({
    summary: 'Forgets the Microsoft Graph token and any sign-in in progress.',
    input: NoInput,
    output: GraphSignInSchema,
  }),
  findGraphKey: defineMethod({
    summary: 'Asks Microsoft Graph (signed in) for a key ID (8+ characters) or an Entra device ID, with the answers of lookupKey; never returns a password (lookupGraphKey reveals).',
    input: LookupKeyRequestSchema,
    output: LookupKeyResultSchema,
  }),
  lookupGraphKey: defineMethod({
    summary: 'Asks Microsoft Graph (signed in) for a key ID (8+ characters) for a machine and a reason; one match is recorded in the local audit journal (source graph) before its password is returned, several answer the candidates without passwords.',
    input: EscrowLookupRequestSchema,
    output: EscrowLookupResultSchema,
  }),
  listRevealedKeys: defineMethod({
    summary: 'Every key revealed on this laptop (no passwords), optionally since a time, with CSV for the admin who rotates them.',
    input: ListRevealedKeysRequestSchema,
    output: RevealedListSchema,
  }),
  getVaultStats: defineMethod({
    summary: 'How many keys and devices the vault holds, by volume type, the oldest and newest key, and its expiry (unlocked vault; none yet: exists false).',
    input: NoInput,
    output: VaultStatsSchema,
  }),
  wipeVault: defineMethod({
    summary: 'Overwrites and deletes the key vault file.',
    input: WipeVaultRequestSchema,
    output: VaultStatusSchema,
  }),
} satisfies ContractSpec;
