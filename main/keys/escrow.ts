import { BootmendError } from '../../core/errors.js';
import type { MachineIdentity } from '../../core/journal/schemas.js';
import type { EscrowLookupResult } from '../../core/keys/schemas.js';
import { lookupEscrowKey, type CallOptions } from '../backend/client.js';
import type { BackendConnection } from '../backend/connection.js';
import type { EventJournal } from '../journal/journal.js';
import { keyCodes } from './codes.js';
import { revealAudited, ROTATION_ADVICE } from './reveal.js';

export interface EscrowRequest {
  keyId: string;
  machine: string;
  reason: string;
  technician: string;
  machineId?: string | undefined;
  identity?: MachineIdentity | undefined;
}

/**
 * Asks the backend's escrow for a key the vault does not hold. The server audits the lookup;
 * one match is then recorded here too (a `key.revealed` event, source `escrow`, naming the
 * journal machine when there is one) before the password goes to the screen, through the same
 * audit path as a vault reveal. Several matches answer their IDs and devices, no password.
 */
export async function revealFromEscrow(connection: BackendConnection | null, journal: EventJournal, request: EscrowRequest, options: CallOptions = {}): Promise<EscrowLookupResult> {
  if (!connection) throw new BootmendError('UNAVAILABLE', "No backend is set up on this laptop, so its key escrow cannot be asked: add the backend's address in Settings and a technician token.");
  const answer = await lookupEscrowKey(connection, { keyId: request.keyId, machine: request.machine, reason: request.reason }, options);
  if (answer.match === 'ambiguous') {
    const candidates = answer.candidates.map((c) => ({ id: c.keyId, device: c.device, created: c.created, volumeType: c.volumeType }));
    return { match: 'ambiguous', candidates, message: `${candidates.length} escrowed keys start with ${request.keyId.trim().toUpperCase()}: type more of the key ID, or choose the key.` };
  }
  const { password, keyId, device, created } = answer.key;
  const revealed = await revealAudited(journal, { id: keyId, device, created }, { ...request, id: keyId }, 'escrow', async () => password);
  return { match: 'one', revealed: { ...revealed, ...(await keyCodes(revealed.password)), rotationAdvice: ROTATION_ADVICE.join(' ') } };
}
