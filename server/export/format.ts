/** Row writers for the exports: CSV (spreadsheet-safe), a JSON array, or one JSON object per line. */

export type ExportFormat = 'csv' | 'json' | 'ndjson';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * One CSV cell. A cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe: a hostname or note typed in the field must not become a formula on the helpdesk's PC.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = Array.isArray(value) ? value.join('; ') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Turns rows into the chosen format's text, piece by piece (header first, closing bracket last). */
export async function* formatRows<T extends Record<string, unknown>>(format: ExportFormat, columns: readonly (keyof T & string)[], rows: AsyncIterable<T[]>): AsyncGenerator<string> {
  if (format === 'csv') yield `${columns.join(',')}\r\n`;
  if (format === 'json') yield '[';
  let first = true;
  for await (const page of rows) {
    let text = '';
    for (const row of page) {
      if (format === 'csv') {
        // One string per row without a map() and join() per row: a million-row export makes 13 million cells.
        let line = csvCell(row[columns[0]!]);
        for (let i = 1; i < columns.length; i++) line += `,${csvCell(row[columns[i]!])}`;
        text += `${line}\r\n`;
      }
      else if (format === 'ndjson') text += `${JSON.stringify(row)}\n`;
      else {
        text += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
        first = false;
      }
    }
    if (text !== '') yield text;
  }
  if (format === 'json') yield '\n]\n';
}
