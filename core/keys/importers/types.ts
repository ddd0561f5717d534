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

export interface FileImport {
  file: string;
  layout: LayoutKind;
  records: KeyRecord[];
  rejected: Rejection[];
  /** Valid rows left out by --scope. */
  outOfScope: number;
  /** Data rows seen (excluding header, blank and comment lines). */
  rows: number;
}
