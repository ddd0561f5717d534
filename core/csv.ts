const NEEDS_QUOTES = /[",\r\n]/;

/** = + - @, tab and carriage return: a spreadsheet runs a cell that starts with one of these as a formula. */
function startsLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/**
 * One CSV cell (RFC 4180 quoting). Text a spreadsheet would run as a formula gets a leading
 * apostrophe (OWASP "CSV injection"): a hostname, note or reason typed in the field must not become
 * a formula on the helpdesk's PC. Numbers are written as they are (a negative number is no formula).
 * No regular expression for the formula test: a million-row export calls this 13 million times.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = value.length > 0 && startsLikeFormula(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (no line break) from cells. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  let line = csvCell(cells[0]);
  for (let i = 1; i < cells.length; i++) line += `,${csvCell(cells[i])}`;
  return line;
}
