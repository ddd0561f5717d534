/** What the importers produce. A KeyRecord holds a secret (password); everything else here never does. */

export type LayoutKind = 'ad' | 'graph' | 'entra' | 'mbam' | 'csv';
export type FormatOption = LayoutKind | 'auto';
export const FORMAT_OPTIONS: readonly FormatOption[] = ['auto', 'ad', 'graph', 'entra', 'mbam', 'csv'];

export interface KeyRecord {
  /** Canonical key ID: upper case, hyphenated, no braces. */
  id: string;
  /** Canonical recovery password: 8 dashed blocks. SECRET. */
  password: string;
  device: string | null;
  deviceId: string | null;
  /** Distinguished name of the AD object (raw AD exports), for OU scoping and display. */
  dn: string | null;
  /** ISO 8601 creation time of the key, when the export has one. */
  created: string | null;
  volumeType: string | null;
  /** "file:line" the record came from (never its content). */
  source: string;
}

export interface Rejection {
  file: string;
  line: number;
  /** Never contains the row's content, only what is wrong and where. */
  reason: string;
}

/** Something about a row worth knowing that did not stop its import (e.g. two IDs that disagree). */
export interface ImportWarning {
  file: string;
  line: number;
  /** Names columns and key IDs (not secrets), never a password. */
  message: string;
}

/** Where a file's key IDs came from, for the import summary. */
export interface KeyIdReport {
  /** The column the IDs were read from: an ID column ("msFVE-RecoveryGuid", "PasswordID", …), or "Name" / a DN column when only they hold them. */
  column: string;
  /** `text`: GUIDs as text; `bytes`: AD's 16 raw bytes (first three fields little-endian, turned around); `name`: the {GUID} in Name / DN. */
  encoding: 'text' | 'bytes' | 'name';
  /** The Name / DN column each ID was compared with (raw AD exports), or null. */
  checkedAgainst: string | null;
  /** Rows whose two IDs matched. */
  agreed: number;
  /** Rows whose two IDs differ: the one in Name / DN (what Windows named the key object) was used, with a warning per row. */
  disagreed: number;
  /** Rows whose ID column held nothing readable, filed under the Name / DN ID (a warning each). */
  fromName: number;
}

export interface FileImport {
  file: string;
  layout: LayoutKind;
  records: KeyRecord[];
  rejected: Rejection[];
  /** Valid rows left out by --scope. */
  outOfScope: number;
  /** Data rows seen (excluding header, blank and comment lines). */
  rows: number;
  warnings: ImportWarning[];
  /** CSV exports only: where the key IDs came from. */
  keyIds: KeyIdReport | null;
}

/** At most this many warnings are kept per file; the KeyIdReport still counts every row. */
export const MAX_WARNINGS_PER_FILE = 200;
