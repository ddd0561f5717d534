/**
 * A small RFC 4180 reader with the leniencies real exports need: comma, semicolon or tab
 * (sniffed from the header line), CRLF / LF / CR line ends, doubled quotes inside quoted
 * fields, quoted fields spanning lines, a UTF-8 BOM. It never throws: a quote left open at
 * the end of the file is reported as an unclosed record, and the caller restarts at the
 * next physical line so rows after a stray quote are not lost.
 */

export type Delimiter = ',' | ';' | '\t';

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
  /** 1-based physical line where it ends (greater than line when a quoted field spans lines). */
  endLine: number;
  /** False when a quoted field was still open at the end of the file. */
  closed: boolean;
  /** Offset of the record's first character, for restarting. */
  start: number;
  /** Offset just after the record's line end. */
  end: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The delimiter that occurs most often outside quotes in the line (comma on a tie or none). */
export function sniffDelimiter(line: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (const char of line) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  let best: Delimiter = ',';
  for (const candidate of [';', '\t'] as const) if (counts[candidate] > counts[best]) best = candidate;
  return best;
}

/** Reads one record starting at `start` (which must be the start of a physical line). */
export function readRecord(text: string, start: number, line: number, delimiter: Delimiter): CsvRecord {
  const d = delimiter.charCodeAt(0);
  const fields: string[] = [];
  let i = start;
  let lines = 0;
  const n = text.length;
  for (;;) {
    // One field.
    if (i < n && text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      let j = from;
      let closedQuote = false;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === QUOTE) {
          if (text.charCodeAt(j + 1) === QUOTE) {
            value += text.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          value += text.slice(from, j);
          closedQuote = true;
          j += 1;
          break;
        }
        if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) lines += 1;
        j += 1;
      }
      if (!closedQuote) {
        fields.push(value + text.slice(from, j));
        return { fields, line, endLine: line + lines, closed: false, start, end: n };
      }
      // Lenient: characters between the closing quote and the delimiter belong to the field.
      let k = j;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === d || c === LF || c === CR) break;
        k += 1;
      }
      fields.push(value + text.slice(j, k));
      i = k;
    } else {
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === d || c === LF || c === CR) break;
        k += 1;
      }
      fields.push(text.slice(i, k));
      i = k;
    }
    if (i >= n) return { fields, line, endLine: line + lines, closed: true, start, end: n };
    const c = text.charCodeAt(i);
    if (c === d) {
      i += 1;
      continue;
    }
    const end = c === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
    return { fields, line, endLine: line + lines, closed: true, start, end };
  }
}

/** Offset of the physical line after the one starting at `start`. */
export function nextLineStart(text: string, start: number): number {
  for (let i = start; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  }
  return text.length;
}

/**
 * Walks the records of a text. `accept(record)` returns false to reject a record that
 * spans several lines; the walk then restarts on the line after its first line, so one
 * stray quote cannot swallow the rows behind it. Unclosed records restart the same way.
 */
export function* walkRecords(text: string, delimiter: Delimiter, startOffset = 0, startLine = 1): Generator<CsvRecord, void, boolean | undefined> {
  let pos = startOffset;
  let line = startLine;
  while (pos < text.length) {
    const record = readRecord(text, pos, line, delimiter);
    const accepted = yield record;
    if (!record.closed || (accepted === false && record.endLine > record.line)) {
      pos = nextLineStart(text, record.start);
      line = record.line + 1;
    } else {
      pos = record.end;
      line = record.endLine + 1;
    }
  }
}

/** Decodes file bytes: UTF-8 (BOM dropped) or UTF-16 LE/BE with a BOM, as Windows tools write. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Longest record (in characters) that may span lines before an open quote counts as never
 * closed. Streaming needs a bound: without it one stray quote would make the reader hold
 * the rest of the file. Real exports' multi-line fields (notes) are far shorter.
 */
export const MAX_RECORD_CHARS = 64 * 1024;

/**
 * Groups physical lines (each with its own line end; the last may have none) into records,
 * with walkRecords' rules: `onRecord` returns false to reject a record that spans several
 * lines, and the reader then restarts on the line after its first line; an unclosed record
 * restarts the same way. Lines are pushed one at a time, so a file is read in one pass with
 * only the current record in memory.
 */
export class RecordSplitter {
  private lines: string[] = [];
  private chars = 0;
  private first: number;

  constructor(
    private readonly delimiter: Delimiter,
    firstLine: number,
    private readonly onRecord: (record: CsvRecord) => boolean,
  ) {
    this.first = firstLine;
  }

  push(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    // An open quoted field can only be closed by a quote: lines without one need no re-parse.
    if (this.lines.length === 1 || line.includes('"') || this.chars >= MAX_RECORD_CHARS) this.drain(false);
  }

  end(): void {
    this.drain(true);
  }

  private drain(eof: boolean): void {
    while (this.lines.length > 0) {
      // The common case, a record on one line, parses that line alone; only a record left
      // open at its line end joins the following lines.
      let record = readRecord(this.lines[0]!, 0, this.first, this.delimiter);
      if (!record.closed && this.lines.length > 1) record = readRecord(this.lines.join(''), 0, this.first, this.delimiter);
      if (!record.closed && !eof && this.chars < MAX_RECORD_CHARS) return;
      const accepted = this.onRecord(record);
      this.shift(!record.closed || (!accepted && record.endLine > record.line) ? 1 : record.endLine - record.line + 1);
    }
  }

  private shift(count: number): void {
    const gone = this.lines.splice(0, count);
    for (const line of gone) this.chars -= line.length;
    this.first += gone.length;
  }
}

/**
 * Calls `emit` with each physical line of `text` including its line end (LF, CRLF or a lone
 * CR, as readRecord counts them); the last line may have none. Empty text emits nothing.
 */
export function forEachLine(text: string, emit: (line: string) => void): void {
  let start = 0;
  // Next CR at or after `start`, cached: searching afresh for each line of an LF-only text would be quadratic.
  let cr = text.indexOf('\r');
  while (start < text.length) {
    if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    const lf = text.indexOf('\n', start);
    const stop = lf === -1 ? text.length : lf + 1;
    // A CR before the line's own end (CRLF, or a CR ending the text) is a lone CR: a line end of its own.
    if (cr !== -1 && cr < (lf === -1 ? stop - 1 : stop - 2)) {
      const end = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      emit(text.slice(start, end));
      start = end;
      continue;
    }
    emit(text.slice(start, stop));
    start = stop;
  }
}
