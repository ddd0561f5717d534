import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BootmendError } from '../../../core/errors.js';
import { firstLine } from './wim.js';

const run = promisify(execFile);

/**
 * UDF-only images (Windows install ISOs carry their files in UDF; the ISO 9660 side holds only
 * a README) are read through 7-Zip, which reads UDF, when it is installed. 7z on Linux
 * (p7zip-full), 7z.exe on Windows (7-Zip's default folder is tried too).
 */
const CANDIDATES = process.platform === 'win32' ? ['7z', 'C:\\Program Files\\7-Zip\\7z.exe'] : ['7z', '7za'];

async function sevenZip(): Promise<string | null> {
  for (const command of CANDIDATES) {
    try {
      await run(command, ['i'], { maxBuffer: 4 << 20 });
      return command;
    } catch {
      // next candidate
    }
  }
  return null;
}

/** The files in the image, "/"-separated, or null when 7-Zip is not installed. */
export async function sevenZipList(image: string): Promise<string[] | null> {
  const command = await sevenZip();
  if (!command) return null;
  const { stdout } = await run(command, ['l', '-slt', '-ba', image], { maxBuffer: 64 << 20 }).catch((error: unknown) => {
    throw new BootmendError('INVALID_INPUT', `7-Zip cannot read ${image}: ${firstLine(error)}`, { cause: error, field: 'base' });
  });
  const out: string[] = [];
  let path: string | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    if (line.startsWith('Path = ')) path = line.slice(7).replace(/\\/g, '/');
    else if (line.startsWith('Folder = ') && path !== null) {
      if (line.slice(9).trim() !== '+') out.push(path);
      path = null;
    }
  }
  return out;
}

/** Extracts the whole image into `dir` (the build's work copy). */
export async function sevenZipExtract(image: string, dir: string, signal?: AbortSignal): Promise<void> {
  const command = await sevenZip();
  if (!command) throw new BootmendError('UNAVAILABLE', `Extracting ${image} needs 7-Zip; install it or extract the ISO into a folder and choose that folder.`, { field: 'base' });
  await run(command, ['x', '-y', `-o${dir}`, image], { signal, maxBuffer: 64 << 20 }).catch((error: unknown) => {
    throw new BootmendError('IO_ERROR', `7-Zip could not extract ${image}: ${firstLine(error)}`, { cause: error });
  });
}
