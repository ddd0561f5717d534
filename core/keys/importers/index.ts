import { decodeText } from './csv.js';
import { importCsvText } from './csv-import.js';
import { importGraphText, looksLikeJson } from './graph.js';
import { importLdifText, looksLikeLdif } from './ldif.js';
import { scopeMatcher } from './scope.js';
import type { FileImport, FormatOption } from './types.js';

/**
 * Key-export parsing, shared by the technician's vault (main/keys) and the backend's escrow
 * (server/): both take the same layouts. Reading files from disk lives in main/keys/read-export.ts.
 */

export type { Conflict, ConflictSide, MergeOutcome } from './merge.js';
export { mergeRecords } from './merge.js';
export { scopeMatcher } from './scope.js';
export { CsvImporter } from './csv-import.js';
export { decodeText } from './csv.js';
export { looksLikeJson } from './graph.js';
export { LdifImporter, looksLikeLdif } from './ldif.js';
export * from './types.js';

export interface ImportOptions {
  format?: FormatOption;
  /** Globs on device name / device ID, or DN components like `OU=Berlin`; any may match. */
  scope?: readonly string[];
  /** Name used in reports (default: the file's base name). */
  name?: string;
  /** Called as the file is read (CSV files are read in 1 MiB chunks). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Read size for streamed CSV (default 1 MiB); tests make it tiny to cut lines and characters across reads. */
  chunkBytes?: number;
}

export type ParseOutcome = { ok: true; result: FileImport } | { ok: false; file: string; reason: string };

/** Parses one export already in memory. Never throws on content: failures are returned. */
export function parseExport(bytes: Uint8Array, file: string, options: ImportOptions = {}): ParseOutcome {
  return parseExportText(decodeText(bytes), file, options);
}

/** Same as parseExport for text already decoded (a file dropped into the web host). */
export function parseExportText(text: string, file: string, options: ImportOptions = {}): ParseOutcome {
  const format = options.format ?? 'auto';
  const scope = scopeMatcher(options.scope ?? []);
  if (text.trim() === '') return { ok: false, file, reason: `${file} is empty.` };
  const json = format === 'graph' || (format === 'auto' && looksLikeJson(text));
  if (format === 'graph' && !looksLikeJson(text)) return { ok: false, file, reason: `${file} is not JSON, so it is not a Microsoft Graph export (try --format auto).` };
  const ldif = !json && (format === 'auto' || format === 'ad') && looksLikeLdif(text.slice(0, 4096));
  const outcome = json ? importGraphText(text, file, scope) : ldif ? importLdifText(text, file, scope) : importCsvText(text, file, { format: format === 'auto' ? 'auto' : format, scope });
  return outcome.ok ? outcome : { ok: false, file, reason: outcome.reason };
}
