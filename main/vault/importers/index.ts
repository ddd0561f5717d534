import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeText } from './csv.js';
import { importCsvText } from './csv-import.js';
import { importGraphText, looksLikeJson } from './graph.js';
import { scopeMatcher } from './scope.js';
import type { FileImport, FormatOption } from './types.js';

export type { Conflict, ConflictSide, MergeOutcome } from './merge.js';
export { mergeRecords } from './merge.js';
export { scopeMatcher } from './scope.js';
export * from './types.js';

export interface ImportOptions {
  format?: FormatOption;
  /** Globs on device name / device ID, or DN components like `OU=Berlin`; any may match. */
  scope?: readonly string[];
  /** Name used in reports (default: the file's base name). */
  name?: string;
}

export type ParseOutcome = { ok: true; result: FileImport } | { ok: false; file: string; reason: string };

/** Parses one export already in memory. Never throws on content: failures are returned. */
export function parseExport(bytes: Uint8Array, file: string, options: ImportOptions = {}): ParseOutcome {
  const format = options.format ?? 'auto';
  const scope = scopeMatcher(options.scope ?? []);
  const text = decodeText(bytes);
  if (text.trim() === '') return { ok: false, file, reason: `${file} is empty.` };
  const json = format === 'graph' || (format === 'auto' && looksLikeJson(text));
  if (format === 'graph' && !looksLikeJson(text)) return { ok: false, file, reason: `${file} is not JSON, so it is not a Microsoft Graph export (try --format auto).` };
  const outcome = json ? importGraphText(text, file, scope) : importCsvText(text, file, { format: format === 'auto' ? 'auto' : format, scope });
  return outcome.ok ? outcome : { ok: false, file, reason: outcome.reason };
}

/** Reads and parses one export file; an unreadable file is a failure with the OS's reason. */
export async function readExport(path: string, options: ImportOptions = {}): Promise<ParseOutcome> {
  const name = options.name ?? basename(path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unknown error');
    return { ok: false, file: name, reason: `Cannot read ${path}: ${why}.` };
  }
  return parseExport(bytes, name, options);
}
