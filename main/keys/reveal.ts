import { uuidv7 } from '../../core/uuid7.js';
import { csvCell } from '../../core/csv.js';
import { BootmendError } from '../../core/errors.js';
import type { MachineIdentity } from '../../core/journal/schemas.js';
import type { EventJournal, JournalEvent } from '../journal/journal.js';
import type { KeyIndex } from './lookup.js';
import { assertNotExpired, type VaultData } from './store.js';

/**
 * Reveal is the only way a password leaves the vault: the audit event (who, which key,
 * which machine, why, when) is fsync'd to the journal BEFORE the password is returned,
 * so no reveal goes unrecorded. The event never contains the password.
 */

export const KEY_REVEALED = 'key.revealed';

export interface RevealRequest {
  /** Full canonical key ID (from a lookup). */
  id: string;
  technician: string;
  machine: string;
  reason: string;
  now?: Date;
  /** Client-made event id (default: a fresh UUID). */
  eventId?: string;
  /** The journal machine the reveal is for, when it is one (the audit event names it). */
  machineId?: string | undefined;
  /** That machine's identity as the journal knows it (hostname, serial, asset tag, site). */
  identity?: MachineIdentity | undefined;
}

/** Where a revealed password came from: the local vault, Microsoft Graph (online lookup), or the backend's escrow. */
export type RevealSource = 'vault' | 'graph' | 'escrow';

export interface KeyRevealedEvent extends JournalEvent {
  type: typeof KEY_REVEALED;
  keyId: string;
  device: string | null;
  machine: string;
  technician: string;
  reason: string;
  /** Absent in events written before online lookup existed: those are 'vault'. */
  source?: RevealSource;
  /** The journal machine the password was revealed for (absent for a reveal outside the Recover flow). */
  machineId?: string;
  /**
   * Who that machine is: the journal machine's identity, or the typed name as its hostname
   * (absent in events written before it existed; `machine` then is all there is).
   */
  machineIdentity?: MachineIdentity;
}

export interface Revealed {
  id: string;
  device: string | null;
  created: string | null;
  password: string;
  eventId: string;
}

function required(value: string, label: string, field: string): string {
  const clean = value.trim();
  if (clean === '') throw new BootmendError('INVALID_INPUT', `${label} is needed to reveal a recovery password (it goes into the audit record).`, { field });
  if (clean.length > 200) throw new BootmendError('INVALID_INPUT', `${label} must be at most 200 characters.`, { field });
  return clean;
}

export async function revealKey(index: KeyIndex, vault: Pick<VaultData, 'expiresAt'>, journal: EventJournal, request: RevealRequest): Promise<Revealed> {
  assertNotExpired(vault, request.now ?? new Date());
  const record = index.get(request.id);
  if (!record) throw new BootmendError('NOT_FOUND', 'No key in this vault has that key ID.');
  return revealAudited(journal, record, request, 'vault', async () => record.password);
}

/**
 * The one audit path for every reveal, local or online: checks the request, gets the
 * password, fsyncs the `key.revealed` event, and only then returns the password. If the
 * event cannot be written the password is dropped and the error is thrown instead.
 */
export async function revealAudited(
  journal: EventJournal,
  key: { id: string; device: string | null; created: string | null },
  request: RevealRequest,
  source: RevealSource,
  password: () => Promise<string>,
): Promise<Revealed> {
  const now = request.now ?? new Date();
  const machine = required(request.machine, 'The machine name', 'machine');
  const event: KeyRevealedEvent = {
    id: request.eventId ?? uuidv7(),
    type: KEY_REVEALED,
    at: now.toISOString(),
    keyId: key.id,
    device: key.device,
    machine,
    technician: required(request.technician, "The technician's name", 'technician'),
    reason: required(request.reason, 'A reason', 'reason'),
    source,
    ...(request.machineId === undefined ? {} : { machineId: request.machineId }),
    machineIdentity: request.identity ?? { hostname: machine },
  };
  const secret = await password();
  await journal.append(event);
  return { id: key.id, device: key.device, created: key.created, password: secret, eventId: event.id };
}

export const ROTATION_ADVICE = [
  'Every recovery password in this list was shown to a person: rotate each one.',
  'Intune: Devices > the device > Rotate BitLocker keys (or the rotateBitLockerKeys action in Graph).',
  'On the PC (elevated): manage-bde -protectors -delete C: -id {KEY-ID}, then manage-bde -protectors -add C: -RecoveryPassword,',
  'and back the new password up to AD (manage-bde -protectors -adbackup C: -id {NEW-ID}) or Entra ID (BackupToAAD-BitLockerKeyProtector).',
];

export function isKeyRevealedEvent(event: JournalEvent): event is KeyRevealedEvent {
  return event.type === KEY_REVEALED && typeof event.keyId === 'string';
}

/** The "keys revealed" list as CSV, with the rotation advice as leading "#" comment lines (omit with advice: false). */
export function revealedKeysCsv(events: readonly JournalEvent[], options: { advice?: boolean } = {}): string {
  const lines: string[] = [];
  if (options.advice !== false) lines.push(...ROTATION_ADVICE.map((line) => `# ${line}`));
  // Columns are only ever added at the end: scripts read this file by position too.
  lines.push('id,device,machine,technician,time,reason,serial,asset_tag,site');
  for (const event of events) {
    if (!isKeyRevealedEvent(event)) continue;
    const who = event.machineIdentity;
    lines.push([event.keyId, event.device, event.machine, event.technician, event.at, event.reason, who?.serial ?? null, who?.assetTag ?? null, who?.site ?? null].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
