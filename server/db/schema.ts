import type { Generated } from 'kysely';

/**
 * The backend's tables as Kysely sees them (migrations.ts makes them). Times are kept twice:
 * as sent (ISO 8601 text, shown and exported as they came) and as epoch milliseconds, for
 * ordering and for the summary's rates on either database.
 */

export interface MachinesTable {
  id: string;
  /** Lower-case hostname: a machine is its hostname, whatever case a technician typed. */
  host_key: string;
  hostname: string;
  serial: string | null;
  asset_tag: string | null;
  site: string | null;
  owner: string | null;
  status: string;
  method: string | null;
  technician: string | null;
  notes: string | null;
  /** JSON array of the removed files' paths, from the event that set the status. */
  files: string | null;
  first_event_at: string | null;
  first_at_ms: number | null;
  last_event_at: string | null;
  /** The event that decides the status: the latest `at`, and among equal `at` the latest to arrive. */
  last_at_ms: number | null;
  last_seq: number | null;
  /** When the machine came up (fixed or nothing to do); null while it is down. */
  up_at_ms: number | null;
  created_at: string;
}

export interface EventsTable {
  /** Arrival order: breaks ties between events with the same `at`. */
  seq: Generated<number>;
  id: string;
  machine_id: string;
  status: string;
  method: string | null;
  at: string;
  at_ms: number;
  technician: string | null;
  notes: string | null;
  files: string | null;
  received_at: string;
}

export interface TokensTable {
  id: string;
  name: string;
  role: string;
  /** SHA-256 of the token, hex: the token itself is shown once and never stored. */
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface RecoveryKeysTable {
  /** Canonical key ID: upper case, hyphenated, no braces. */
  key_id: string;
  device: string | null;
  device_id: string | null;
  created: string | null;
  volume_type: string | null;
  /** "file:line" the key was imported from (never its content). */
  source: string;
  /** The recovery password, AES-256-GCM under the master key (escrow/seal.ts); never stored in the clear. */
  sealed: string;
  imported_at: string;
}

export interface AuditTable {
  seq: Generated<number>;
  at: string;
  /** The token's name and role. */
  actor: string;
  role: string;
  /** The token's id (null in entries written before migration 0004). */
  token_id: string | null;
  action: string;
  key_id: string | null;
  machine: string | null;
  reason: string | null;
  result: string;
}

/** The summary's counters, kept by triggers on machines (migration 0003). */
export interface MachineTallyTable {
  /** `status`, `site` (key: the site), `nosite`, or `technician` (key: the technician). */
  dim: string;
  key: string;
  status: string;
  n: number;
}

export interface Database {
  machines: MachinesTable;
  events: EventsTable;
  tokens: TokensTable;
  recovery_keys: RecoveryKeysTable;
  audit: AuditTable;
  machine_tally: MachineTallyTable;
}
