import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootmendError } from '../../core/errors.js';
import type { Playbook } from '../../core/playbooks/playbook.js';
import { formatPlaybookProblems, validatePlaybookText, type PlaybookProblem } from '../../core/playbooks/playbook-validation.js';

/**
 * Playbooks come from two folders: the built-in ones shipped in assets/playbooks/ and the
 * user's own in <data folder>/playbooks/. A file path is accepted too. Every file is
 * validated whole; one that is refused never reaches a payload. A user playbook may not
 * take a built-in's id: results name the playbook by id, and the helpdesk must be able to
 * trust that "crowdstrike-cf291 1.0.0" means the same files everywhere.
 */

export type PlaybookSource = 'built-in' | 'user' | 'file';

export interface LoadedPlaybook {
  playbook: Playbook;
  source: PlaybookSource;
  file: string;
}

export interface RefusedPlaybook {
  source: PlaybookSource;
  file: string;
  /** The id the file claims, when readable. */
  declaredId: string | null;
  problems: PlaybookProblem[];
  /** Every problem on its own line, prefixed with the file: what the CLI prints. */
  message: string;
}

export interface PlaybookCatalog {
  playbooks: LoadedPlaybook[];
  refused: RefusedPlaybook[];
}

export interface PlaybookFolders {
  builtInDir?: string;
  /** null: no user folder (tests, or a caller that wants built-ins only). */
  userDir?: string | null;
}

export const BUILT_IN_PLAYBOOK_DIR = fileURLToPath(new URL('../../assets/playbooks/', import.meta.url));
/** Far above any real playbook; stops a wrong file (an ISO, a log) being read into memory. */
export const MAX_PLAYBOOK_BYTES = 1024 * 1024;
const PLAYBOOK_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;

/** Built-ins first, then the user's, each sorted by id. Refused files are listed, not thrown. */
export async function listPlaybooks(folders: PlaybookFolders = {}): Promise<PlaybookCatalog> {
  const builtIn = await readFolder(folders.builtInDir ?? BUILT_IN_PLAYBOOK_DIR, 'built-in');
  const user = folders.userDir ? await readFolder(folders.userDir, 'user') : [];
  const builtInResults = refuseDuplicateIds(builtIn);
  const builtInIds = new Set(builtInResults.flatMap((r) => ('playbook' in r ? [r.playbook.id] : [])));
  const userResults = refuseDuplicateIds(user).map((r) => refuseBuiltInId(r, builtInIds));
  const all = [...builtInResults, ...userResults];
  return {
    playbooks: all.filter((r): r is LoadedPlaybook => 'playbook' in r).sort(bySourceThenId),
    refused: all.filter((r): r is RefusedPlaybook => !('playbook' in r)),
  };
}

/**
 * A playbook by id (from the catalog) or by file path. Throws INVALID_INPUT with every
 * problem when the playbook is refused, NOT_FOUND listing the available ids otherwise.
 */
export async function resolvePlaybook(idOrFile: string, folders: PlaybookFolders = {}): Promise<LoadedPlaybook> {
  return PLAYBOOK_ID.test(idOrFile) ? resolveById(idOrFile, folders) : validatePlaybookFile(idOrFile, folders);
}

/**
 * One file, checked as a user playbook would be (including the built-in id rule unless it
 * is a built-in file itself). For `bootmend playbook validate <file>` and file arguments.
 */
export async function validatePlaybookFile(file: string, folders: PlaybookFolders = {}): Promise<LoadedPlaybook> {
  const builtInDir = folders.builtInDir ?? BUILT_IN_PLAYBOOK_DIR;
  const loaded = await readPlaybookFile(file, 'file');
  if (!('playbook' in loaded)) throw refusal(loaded);
  if (await isInside(file, builtInDir)) return { ...loaded, source: 'built-in' };
  const builtInIds = new Set((await listPlaybooks({ builtInDir, userDir: null })).playbooks.map((p) => p.playbook.id));
  const checked = refuseBuiltInId(loaded, builtInIds);
  if (!('playbook' in checked)) throw refusal(checked);
  return checked;
}

/** Reads and validates one file; only a missing or unreadable file throws. */
export async function readPlaybookFile(file: string, source: PlaybookSource): Promise<LoadedPlaybook | RefusedPlaybook> {
  const text = await readPlaybookText(file);
  if (typeof text !== 'string') return refused(source, file, null, [text]);
  const result = validatePlaybookText(text);
  return result.ok ? { playbook: result.playbook, source, file } : refused(source, file, result.declaredId, result.problems);
}

async function resolveById(id: string, folders: PlaybookFolders): Promise<LoadedPlaybook> {
  const catalog = await listPlaybooks(folders);
  const found = catalog.playbooks.find((p) => p.playbook.id === id);
  if (found) return found;
  const refusedWithId = catalog.refused.find((r) => r.declaredId === id);
  if (refusedWithId) throw refusal(refusedWithId);
  const available = catalog.playbooks.map((p) => p.playbook.id).join(', ') || 'none';
  const refusedNote = catalog.refused.length > 0 ? ` ${catalog.refused.length} playbook file(s) were refused; run \`bootmend playbook list\` to see why.` : '';
  throw new BootmendError('NOT_FOUND', `There is no playbook "${id}". Available: ${available}.${refusedNote}`);
}

async function readFolder(dir: string, source: PlaybookSource): Promise<(LoadedPlaybook | RefusedPlaybook)[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    return [refused(source, dir, null, [{ at: null, message: `the playbook folder cannot be read (${errorCode(error) ?? 'error'})` }])];
  }
  const files = names.filter((name) => name.toLowerCase().endsWith('.json')).sort();
  return Promise.all(files.map((name) => readPlaybookFile(join(dir, name), source).catch((error: unknown) => refusedFromError(source, join(dir, name), error))));
}

/** The text, or the problem that stops it being read as a playbook; throws only for a path that is not there. */
async function readPlaybookText(file: string): Promise<string | PlaybookProblem> {
  const info = await stat(file).catch((error: unknown) => {
    throw errorCode(error) === 'ENOENT'
      ? new BootmendError('NOT_FOUND', `${file}: no such playbook file.`)
      : new BootmendError('IO_ERROR', `${file}: cannot be read (${errorCode(error) ?? 'error'}).`);
  });
  if (!info.isFile()) return { at: null, message: 'is a folder, not a playbook file' };
  if (info.size > MAX_PLAYBOOK_BYTES) return { at: null, message: `is ${info.size} bytes; a playbook is at most ${MAX_PLAYBOOK_BYTES}` };
  const bytes = await readFile(file);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { at: null, message: 'is saved as UTF-16 ("Unicode"); save it as UTF-8' };
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { at: null, message: 'is not UTF-8 text; save it as UTF-8' };
  }
}

function refuseDuplicateIds(results: (LoadedPlaybook | RefusedPlaybook)[]): (LoadedPlaybook | RefusedPlaybook)[] {
  return results.map((result) => {
    if (!('playbook' in result)) return result;
    const others = results.filter((other) => other !== result && 'playbook' in other && other.playbook.id === result.playbook.id);
    if (others.length === 0) return result;
    const names = others.map((other) => basename(other.file)).join(', ');
    return refused(result.source, result.file, result.playbook.id, [{ at: 'id', message: `"${result.playbook.id}" is also the id of ${names}; each playbook needs its own id` }]);
  });
}

function refuseBuiltInId(result: LoadedPlaybook | RefusedPlaybook, builtInIds: Set<string>): LoadedPlaybook | RefusedPlaybook {
  if (!('playbook' in result) || !builtInIds.has(result.playbook.id)) return result;
  return refused(result.source, result.file, result.playbook.id, [
    { at: 'id', message: `"${result.playbook.id}" is the id of a built-in playbook; give this playbook its own id (and title) so results never mix the two` },
  ]);
}

function refused(source: PlaybookSource, file: string, declaredId: string | null, problems: PlaybookProblem[]): RefusedPlaybook {
  return { source, file, declaredId, problems, message: formatPlaybookProblems(file, problems) };
}

function refusedFromError(source: PlaybookSource, file: string, error: unknown): RefusedPlaybook {
  const message = error instanceof BootmendError ? error.message.replace(`${file}: `, '').replace(/\.$/, '') : 'cannot be read';
  return refused(source, file, null, [{ at: null, message }]);
}

function refusal(result: RefusedPlaybook): BootmendError {
  return new BootmendError('INVALID_INPUT', result.message);
}

async function isInside(file: string, dir: string): Promise<boolean> {
  const [realFile, realDir] = await Promise.all([realpath(resolve(file)), realpath(dir).catch(() => resolve(dir))]);
  const rel = relative(realDir, realFile);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function bySourceThenId(a: LoadedPlaybook, b: LoadedPlaybook): number {
  const rank = (p: LoadedPlaybook) => (p.source === 'built-in' ? 0 : 1);
  return rank(a) - rank(b) || a.playbook.id.localeCompare(b.playbook.id);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
