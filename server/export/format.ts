import { csvLine } from '../../core/csv.js';

/** Row writers for the exports: CSV (spreadsheet-safe, core/csv.ts), a JSON array, or one JSON object per line. */

export type ExportFormat = 'csv' | 'json' | 'ndjson';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * How one kind of stored row is exported: the CSV header and each row's cells (read straight from
 * the stored row, so a million-row CSV makes no object per row), and the object JSON and NDJSON
 * write for it.
 */
export interface RowExport<R> {
  header: readonly string[];
  cells(row: R): (string | number | null)[];
  object(row: R): unknown;
}

/** Turns pages of stored rows into the chosen format's text, a page at a time (header first, closing bracket last). */
export async function* formatRows<R>(format: ExportFormat, shape: RowExport<R>, pages: AsyncIterable<readonly R[]>): AsyncGenerator<string> {
  if (format === 'csv') yield `${shape.header.join(',')}\r\n`;
  if (format === 'json') yield '[';
  let first = true;
  for await (const page of pages) {
    let text = '';
    for (const row of page) {
      if (format === 'csv') text += `${csvLine(shape.cells(row))}\r\n`;
      else if (format === 'ndjson') text += `${JSON.stringify(shape.object(row))}\n`;
      else {
        text += `${first ? '\n' : ',\n'}${JSON.stringify(shape.object(row))}`;
        first = false;
      }
    }
    if (text !== '') yield text;
  }
  if (format === 'json') yield '\n]\n';
}
