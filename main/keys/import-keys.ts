import { BootmendError } from '../../core/errors.js';
import { FORMAT_OPTIONS, mergeRecords, parseExportText, readExport, type Conflict, type FileImport, type FormatOption, type ImportWarning, type KeyIdReport, type KeyRecord, type Rejection } from './read-export.js';
import type { VaultData } from './store.js';

/**
 * The import step of the VaultSession (the app's and the CLI's importKeys): check the
 * options, read every export (one at a time, streamed), and merge into a vault in memory.
 * Nothing here writes the vault; the caller saves with its own keyring.
 */

/** A file on this computer, or a file's text (dropped into the web host). */
export type ImportSource = { path: string } | { name: string; text: string };

export interface ImportProgress {
  /** Name of the file being read (base name or the given name). */
  file: string;
  /** 0-based position of the file in the request. */
  fileIndex: number;
  files: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptionsIn {
  format?: string | undefined;
  scope?: readonly string[] | undefined;
  /** ISO date/time after which lookups are refused; null removes an expiry; undefined keeps it. */
  expires?: string | null | undefined;
}

export interface ImportJson {
  imported: number;
  duplicates: number;
  conflicts: Conflict[];
  rejected: Rejection[];
  warnings: ImportWarning[];
  outOfScope: number;
  files: { file: string; layout: string; rows: number; keys: number; keyIds: KeyIdReport | null }[];
  total: number;
  vault: string;
  expiresAt: string | null;
}

export interface CheckedImportOptions {
  format: FormatOption;
  scope: string[];
  expiresAt: string | null | undefined;
}

/** Usage errors (INVALID_INPUT with a field) before any file is touched. */
export function checkImportOptions(options: ImportOptionsIn, sources: number): CheckedImportOptions {
  const format = (options.format ?? 'auto') as FormatOption;
  if (!FORMAT_OPTIONS.includes(format)) throw new BootmendError('INVALID_INPUT', `--format must be one of ${FORMAT_OPTIONS.join(', ')}.`, { field: 'format' });
  if (sources === 0) throw new BootmendError('INVALID_INPUT', 'Name at least one export file to import.');
  let expiresAt = options.expires;
  if (typeof expiresAt === 'string') {
    const ms = Date.parse(expiresAt);
    if (Number.isNaN(ms)) throw new BootmendError('INVALID_INPUT', '--expires must be a date like 2024-08-31 or 2024-08-31T18:00:00Z.', { field: 'expires' });
    expiresAt = new Date(ms).toISOString();
  }
  return { format, scope: [...(options.scope ?? [])], expiresAt };
}

/** importKeys' refusal when an export cannot be read: its `failed` list crosses the API with the error (core/keys/schemas.ts ImportFailedSchema). */
export class KeyImportError extends BootmendError {
  constructor(
    message: string,
    readonly failed: { file: string; reason: string }[],
  ) {
    super('INVALID_INPUT', message, { field: 'sources' });
  }

  override toJSON(): ReturnType<BootmendError['toJSON']> & { failed: { file: string; reason: string }[] } {
    return { ...super.toJSON(), failed: this.failed };
  }
}

export type ReadOutcome = { ok: true; results: FileImport[] } | { ok: false; failed: { file: string; reason: string }[]; message: string };

/** Reads every source; all of them must be readable key exports, or nothing is imported. */
export async function readImportSources(sources: readonly ImportSource[], options: CheckedImportOptions, onProgress?: (progress: ImportProgress) => void): Promise<ReadOutcome> {
  const results: FileImport[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const [fileIndex, source] of sources.entries()) {
    const common = { format: options.format, scope: options.scope };
    let outcome;
    if ('path' in source) {
      outcome = await readExport(source.path, {
        ...common,
        ...(onProgress ? { onProgress: (bytesDone: number, bytesTotal: number) => onProgress({ file: source.path.split(/[\\/]/).pop() ?? source.path, fileIndex, files: sources.length, bytesDone, bytesTotal }) } : {}),
      });
    } else {
      outcome = parseExportText(source.text, source.name, common);
      onProgress?.({ file: source.name, fileIndex, files: sources.length, bytesDone: source.text.length, bytesTotal: source.text.length });
    }
    if (outcome.ok) results.push(outcome.result);
    else failed.push({ file: outcome.file, reason: outcome.reason });
  }
  if (failed.length > 0) return { ok: false, failed, message: `Nothing was imported: ${failed.map((f) => f.reason).join(' ')}` };
  return { ok: true, results };
}

/** Merges read exports into `vault` (newest wins on a conflict); returns the new vault and the summary. */
export function mergeImports(vault: VaultData, results: readonly FileImport[], expiresAt: string | null | undefined, vaultPath: string): { next: VaultData; json: ImportJson } {
  const byId = new Map<string, KeyRecord>();
  for (const record of vault.records) byId.set(record.id, record);
  let imported = 0;
  let duplicates = 0;
  const conflicts: Conflict[] = [];
  for (const result of results) {
    const merged = mergeRecords(byId, result.records);
    imported += merged.imported;
    duplicates += merged.duplicates;
    conflicts.push(...merged.conflicts);
  }
  const next: VaultData = { ...vault, records: [...byId.values()], expiresAt: expiresAt === undefined ? vault.expiresAt : expiresAt };
  const json: ImportJson = {
    imported,
    duplicates,
    conflicts,
    rejected: results.flatMap((r) => r.rejected),
    warnings: results.flatMap((r) => r.warnings),
    outOfScope: results.reduce((sum, r) => sum + r.outOfScope, 0),
    files: results.map((r) => ({ file: r.file, layout: r.layout, rows: r.rows, keys: r.records.length, keyIds: r.keyIds })),
    total: next.records.length,
    vault: vaultPath,
    expiresAt: next.expiresAt,
  };
  return { next, json };
}
