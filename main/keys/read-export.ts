import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { CsvImporter, decodeText, LdifImporter, looksLikeJson, looksLikeLdif, parseExport, scopeMatcher, type ImportOptions, type ParseOutcome } from '../../core/keys/importers/index.js';

export * from '../../core/keys/importers/index.js';

const CHUNK = 1 << 20;
const MAX_LINE_BYTES = 16 << 20;

function readFailure(path: string, name: string, error: unknown): ParseOutcome {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unknown error');
  return { ok: false, file: name, reason: `Cannot read ${path}: ${why}.` };
}

/**
 * Reads and parses one export file; an unreadable file is a failure with the OS's reason.
 * UTF-8 CSV (every large export) is streamed: read in 1 MiB chunks, cut at line feeds,
 * each line decoded on its own, so memory holds the records and one chunk, not the file.
 * JSON (Graph pages) and UTF-16 files are read whole: they are small and need it.
 */
export async function readExport(path: string, options: ImportOptions = {}): Promise<ParseOutcome> {
  const name = options.name ?? basename(path);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return readFailure(path, name, error);
  }
  try {
    const stats = await handle.stat();
    const size = stats.size;
    if (!stats.isFile()) return readFailure(path, name, Object.assign(new Error('folder'), { code: 'EISDIR' }));
    const head = Buffer.alloc(Math.min(size, 4096));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    const utf16 = (start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff);
    const format = options.format ?? 'auto';
    const headText = decodeText(start);
    if (utf16 || format === 'graph' || (format === 'auto' && looksLikeJson(headText)) || (headText.trim() === '' && size <= head.length)) {
      const bytes = await handle.readFile();
      options.onProgress?.(bytes.length, bytes.length);
      return parseExport(bytes, name, options);
    }
    const scope = scopeMatcher(options.scope ?? []);
    // ldifde output (LDIF) is streamed the same way, line by line.
    const importer = (format === 'auto' || format === 'ad') && looksLikeLdif(headText) ? new LdifImporter(name, scope) : new CsvImporter(name, { format, scope });
    return await streamLines(importer, handle, size, name, options);
  } catch (error) {
    return readFailure(path, name, error);
  } finally {
    await handle.close();
  }
}

/** What streamLines feeds: CsvImporter or LdifImporter. */
interface LineImporter {
  push(line: string): void;
  end(): ReturnType<CsvImporter['end']>;
}

async function streamLines(importer: LineImporter, handle: FileHandle, size: number, name: string, options: ImportOptions): Promise<ParseOutcome> {
  const chunk = Math.max(1, options.chunkBytes ?? CHUNK);
  let buffer = Buffer.alloc(chunk * 2);
  let filled = 0;
  let position = 0;
  for (;;) {
    if (filled === buffer.length) {
      if (buffer.length < MAX_LINE_BYTES) {
        // A line longer than the buffer: grow it (up to MAX_LINE_BYTES) so the line stays whole.
        const bigger = Buffer.alloc(Math.min(MAX_LINE_BYTES, buffer.length * 2));
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      } else {
        // Not a key export's line: hand over what there is (the record reader bounds records anyway).
        pushLines(importer, buffer.toString('utf8', 0, filled));
        filled = 0;
      }
    }
    const { bytesRead } = await handle.read(buffer, filled, Math.min(chunk, buffer.length - filled), position);
    position += bytesRead;
    const end = filled + bytesRead;
    const eof = bytesRead === 0;
    let from = 0;
    for (;;) {
      const lf = buffer.indexOf(10, from);
      if (lf === -1 || lf >= end) break;
      pushLines(importer, buffer.toString('utf8', from, lf + 1));
      from = lf + 1;
    }
    if (eof) {
      if (from < end) pushLines(importer, buffer.toString('utf8', from, end));
      break;
    }
    if (from < end) buffer.copy(buffer, 0, from, end);
    filled = end - from;
    options.onProgress?.(position, size);
  }
  options.onProgress?.(size, size);
  const outcome = importer.end();
  return outcome.ok ? outcome : { ok: false, file: name, reason: outcome.reason };
}

/** A decoded line may still hold lone CRs (classic Mac line ends): split them as readRecord counts lines. */
function pushLines(importer: LineImporter, line: string): void {
  if (!line.includes('\r')) {
    importer.push(line);
    return;
  }
  let start = 0;
  for (let i = 0; i < line.length; i += 1) {
    if (line.charCodeAt(i) === 13 && line.charCodeAt(i + 1) !== 10 && i + 1 < line.length) {
      importer.push(line.slice(start, i + 1));
      start = i + 1;
    }
  }
  importer.push(start === 0 ? line : line.slice(start));
}
