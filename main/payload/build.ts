import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootmendError, describeZodError } from '../../core/errors.js';
import { CONDITION_KEYS, FileGlob, PlaybookSchema, TargetFolder, type Playbook, type PlaybookInput, type Target } from '../../core/playbooks/playbook.js';
import { stagedFolderBeside, swapInFolder } from '../fs/swap-in.js';
import { DRIVERS_FOLDER, KEPT_FOLDERS, MEDIUM_MARKER, MEDIUM_MARKER_NAME, folderReader, isBootmendOutput, mediumMarkerText, type OutputScope } from './medium-marker.js';

/**
 * The payload folder that goes on any medium (WinPE image, payload-only stick, ISO):
 *
 *   <outDir>/bootmend/fix.cmd        generated from assets/payload/fix.cmd.template
 *   <outDir>/bootmend/README.txt     for the person at the PC
 *   <outDir>/bootmend/playbook.json  the playbook fix.cmd was generated from
 *   <outDir>/bootmend/medium.json    the marker by which a rebuild knows its own earlier output
 *   <outDir>/bootmend/ref/           what fix.cmd compares files with by `fc /b` where it has no
 *                                    PowerShell or certutil: lead-<n>.bin (target n's leading
 *                                    bytes) and zero.bin (1 MiB of zero bytes)
 *   <outDir>/bootmend/results/       one JSON result per machine (written by fix.cmd)
 *   <outDir>/bootmend/quarantine/    removed files, with manifest.txt and restore.cmd
 */
export interface BuildPayloadOptions {
  /** A playbook (validated here; an invalid one is refused with the field and reason). */
  playbook: PlaybookInput | Playbook;
  /** Where the medium's root is staged; the payload goes into <outDir>/bootmend. */
  outDir: string;
  /** Written into every result so the helpdesk knows which stick a result came from. */
  mediumId?: string;
  /**
   * Replace <outDir>/bootmend when outDir is not empty (other files in outDir stay). Only an
   * earlier Bootmend payload is replaced, and its results/ and quarantine/ are carried over.
   */
  overwrite?: boolean;
  /** What the marker says Bootmend owns: `bootmend` (this payload alone, the default) or `folder` (a medium build's whole output). */
  owns?: OutputScope;
  /** For tests: another fix.cmd template. */
  templatePath?: string;
}

export interface BuiltPayload {
  /** <outDir>/bootmend */
  payloadDir: string;
  mediumId: string;
  playbookId: string;
  playbookVersion: string;
  /** Paths relative to outDir, with forward slashes. */
  files: string[];
}

export const PAYLOAD_FOLDER = 'bootmend';
export const DEFAULT_TEMPLATE_PATH = fileURLToPath(new URL('../../assets/payload/fix.cmd.template', import.meta.url));
const PLAYBOOK_MARKER = '@@BOOTMEND_PLAYBOOK@@';
const MEDIUM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** cmd's IF compares 32-bit numbers. */
const CMD_INT_MAX = 2_147_483_647;
/** fix.cmd's zero-filled check by `fc /b` covers files up to this size. */
export const ZERO_REFERENCE_BYTES = 1024 * 1024;
/** Keeps one `set` line well under cmd's 8191-character limit. */
const MAX_HASHES_PER_LIST = 100;

/** Where %SystemRoot%-style variables point on a Windows volume seen from WinPE (where they point at X:). */
const VOLUME_RELATIVE: Record<string, string> = {
  '%systemroot%': '\\Windows',
  '%windir%': '\\Windows',
  '%systemdrive%': '',
  '%programdata%': '\\ProgramData',
  '%programfiles%': '\\Program Files',
  '%programfiles(x86)%': '\\Program Files (x86)',
};

export async function buildPayload(options: BuildPayloadOptions): Promise<BuiltPayload> {
  const playbook = parsePlaybook(options.playbook);
  const mediumId = options.mediumId ?? newMediumId();
  if (!MEDIUM_ID.test(mediumId)) {
    throw new BootmendError('INVALID_INPUT', 'The medium id must be 1-64 letters, digits, dots, dashes or underscores.', { field: 'mediumId' });
  }
  const template = await readFile(options.templatePath ?? DEFAULT_TEMPLATE_PATH, 'utf8');
  const fixCmd = renderFixCmd(template, playbook, mediumId);
  const readme = renderReadme(playbook, mediumId);

  await prepareOutDir(options.outDir, options.overwrite === true);
  const payloadDir = join(options.outDir, PAYLOAD_FOLDER);
  // Written beside bootmend/ and swapped in only when complete: a failure leaves the old payload whole.
  const refFiles = referenceFiles(playbook);
  const staged = await stagedFolderBeside(payloadDir);
  try {
    await mkdir(join(staged, 'results'), { recursive: true });
    await mkdir(join(staged, 'quarantine'), { recursive: true });
    await writeFile(join(staged, 'fix.cmd'), fixCmd, 'ascii');
    await writeFile(join(staged, 'README.txt'), readme, 'ascii');
    await writeFile(join(staged, 'playbook.json'), `${JSON.stringify(playbook, null, 2)}\n`, 'utf8');
    await writeFile(join(staged, MEDIUM_MARKER_NAME), mediumMarkerText({ mediumId, playbook: { id: playbook.id, version: playbook.version }, owns: options.owns ?? 'bootmend' }), 'utf8');
    await mkdir(join(staged, 'ref'), { recursive: true });
    for (const [name, content] of refFiles) await writeFile(join(staged, 'ref', name), content);
    // A payload build brings no drivers: those a technician added by hand stay with the results.
    await swapInFolder(staged, payloadDir, [...KEPT_FOLDERS, DRIVERS_FOLDER].map((path) => path.slice(PAYLOAD_FOLDER.length + 1)));
  } catch (error) {
    await rm(staged, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  return {
    payloadDir,
    mediumId,
    playbookId: playbook.id,
    playbookVersion: playbook.version,
    files: ['bootmend/fix.cmd', 'bootmend/README.txt', 'bootmend/playbook.json', MEDIUM_MARKER, ...refFiles.map(([name]) => `bootmend/ref/${name}`), 'bootmend/results/', 'bootmend/quarantine/'],
  };
}

/** ref/lead-<n>.bin per target with leading bytes (n as fix.cmd numbers targets) and zero.bin. */
export function referenceFiles(playbook: Playbook): [string, Buffer][] {
  const files: [string, Buffer][] = [];
  playbook.targets.forEach((target, index) => {
    const lead = target.conditions.leadingBytesHex;
    if (lead !== undefined) files.push([`lead-${index + 1}.bin`, Buffer.from(lead, 'hex')]);
  });
  files.push(['zero.bin', Buffer.alloc(ZERO_REFERENCE_BYTES)]);
  return files;
}

function parsePlaybook(input: PlaybookInput | Playbook): Playbook {
  const parsed = PlaybookSchema.safeParse(input);
  if (!parsed.success) throw describeZodError(parsed.error, 'The playbook');
  return parsed.data;
}

function newMediumId(): string {
  return `bm-${randomBytes(4).toString('hex')}`;
}

async function prepareOutDir(outDir: string, overwrite: boolean): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      await mkdir(outDir, { recursive: true });
      return;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new BootmendError('INVALID_INPUT', `The output folder ${outDir} is a file, not a folder.`, { field: 'outDir' });
    }
    throw new BootmendError('IO_ERROR', `The output folder ${outDir} cannot be read.`, { field: 'outDir', cause: error });
  }
  if (entries.length === 0) return;
  if (!overwrite) {
    throw new BootmendError('INVALID_INPUT', `The output folder ${outDir} is not empty. Choose an empty folder, or allow overwriting its ${PAYLOAD_FOLDER} folder.`, {
      field: 'outDir',
    });
  }
  if (entries.includes(PAYLOAD_FOLDER) && !(await isBootmendOutput(folderReader(outDir)))) {
    throw new BootmendError(
      'INVALID_INPUT',
      `${join(outDir, PAYLOAD_FOLDER)} was not made by Bootmend (it has no ${MEDIUM_MARKER}), so it is not replaced. Choose another folder, or move that folder away first.`,
      { field: 'outDir' },
    );
  }
}

// ---------------------------------------------------------------- fix.cmd --

/** fix.cmd text: the template with the playbook rendered as `set` lines; CRLF, ASCII only. */
export function renderFixCmd(template: string, playbook: Playbook, mediumId: string): string {
  if (!template.includes(PLAYBOOK_MARKER)) throw new BootmendError('INTERNAL', `The fix.cmd template has no ${PLAYBOOK_MARKER} line.`);
  if (!isAscii(template)) throw new BootmendError('INTERNAL', 'The fix.cmd template must be ASCII.');
  const block = renderPlaybookBlock(playbook, mediumId);
  const text = template.replace(PLAYBOOK_MARKER, () => block);
  return toCrlf(text);
}

/**
 * The generated part of fix.cmd. Globals, then one label per target that sets the
 * BM_CUR_* variables (fix.cmd calls :bm_target_<n>); values are parsed once, as
 * written here, so no value is ever expanded twice.
 */
export function renderPlaybookBlock(playbook: Playbook, mediumId: string): string {
  const lines = [
    cmdSet('BM_PLAYBOOK_ID', playbook.id),
    cmdSet('BM_PLAYBOOK_VERSION', playbook.version),
    cmdSet('BM_PLAYBOOK_TITLE', playbook.title),
    cmdSet('BM_MEDIUM_ID', mediumId),
    cmdSet('BM_TARGET_COUNT', String(playbook.targets.length)),
    'goto bm_start',
  ];
  playbook.targets.forEach((target, index) => {
    lines.push('', `:bm_target_${index + 1}`, ...renderTarget(target, index), 'exit /b 0');
  });
  return lines.join('\n');
}

function renderTarget(target: Target, index: number): string[] {
  const field = (name: string) => `targets.${index}.${name}`;
  const c = target.conditions;
  // The schema's whitelist again: renderFixCmd may be handed a playbook that never went through it.
  for (const [name, schema] of [
    ['folder', TargetFolder],
    ['glob', FileGlob],
  ] as const) {
    const checked = schema.safeParse(target[name]);
    if (!checked.success) throw invalid(field(name), checked.error.issues[0]?.message ?? 'is not allowed');
  }
  const dir = volumeRelativeFolder(target.folder, field('folder'));
  const ext = /\.([^.*?]+)$/.exec(target.glob)?.[1];
  const time = c.modifiedUtc ? { from: minuteBound(c.modifiedUtc.from), before: minuteBound(c.modifiedUtc.before) } : undefined;
  const size = c.sizeBytes;
  for (const [name, value] of [
    ['min', size?.min],
    ['max', size?.max],
  ] as const) {
    if (value !== undefined && value > CMD_INT_MAX) throw invalid(field(`conditions.sizeBytes.${name}`), 'must be at most 2147483647 bytes: cmd compares 32-bit numbers');
  }
  const allow = c.sha256?.allow ?? [];
  const deny = c.sha256?.deny ?? [];
  if (allow.length > MAX_HASHES_PER_LIST) throw invalid(field('conditions.sha256.allow'), `must list at most ${MAX_HASHES_PER_LIST} hashes for fix.cmd`);
  if (deny.length > MAX_HASHES_PER_LIST) throw invalid(field('conditions.sha256.deny'), `must list at most ${MAX_HASHES_PER_LIST} hashes for fix.cmd`);
  return [
    cmdSet('BM_CUR_ID', target.id),
    cmdSet('BM_CUR_FOLDER', target.folder),
    cmdSet('BM_CUR_DIR', dir),
    cmdSet('BM_CUR_GLOB', target.glob),
    cmdSet('BM_CUR_EXT', ext === undefined ? '' : `.${ext}`),
    cmdSet('BM_CUR_ACTION', target.action),
    cmdSet('BM_CUR_TIME', time ? '1' : '0'),
    cmdSet('BM_CUR_FROM', time ? String(time.from.minute) : ''),
    cmdSet('BM_CUR_FROMEXACT', time ? (time.from.exact ? '1' : '0') : ''),
    cmdSet('BM_CUR_BEFORE', time ? String(time.before.minute) : ''),
    cmdSet('BM_CUR_BEFOREEXACT', time ? (time.before.exact ? '1' : '0') : ''),
    cmdSet('BM_CUR_SIZEMIN', size?.min === undefined ? '' : String(size.min)),
    cmdSet('BM_CUR_SIZEMAX', size?.max === undefined ? '' : String(size.max)),
    cmdSet('BM_CUR_LEAD', c.leadingBytesHex ?? ''),
    cmdSet('BM_CUR_LEADLEN', c.leadingBytesHex === undefined ? '' : String(c.leadingBytesHex.length)),
    cmdSet('BM_CUR_ALLOW', allow.join(' ')),
    cmdSet('BM_CUR_DENY', deny.join(' ')),
    // "whenAvailable" conditions: a check that cannot be made here does not hold the file back.
    cmdSet('BM_CUR_OPT_TIME', c.requirement?.modifiedUtc === 'whenAvailable' ? '1' : '0'),
    cmdSet('BM_CUR_OPT_SIZE', c.requirement?.sizeBytes === 'whenAvailable' ? '1' : '0'),
    cmdSet('BM_CUR_OPT_LEAD', c.requirement?.leadingBytesHex === 'whenAvailable' ? '1' : '0'),
    cmdSet('BM_CUR_OPT_HASH', c.requirement?.sha256 === 'whenAvailable' ? '1' : '0'),
  ];
}

/** `%SystemRoot%\System32\x` -> `\Windows\System32\x` (fix.cmd puts the volume letter in front). */
export function volumeRelativeFolder(folder: string, field = 'folder'): string {
  let rest = folder;
  const variable = /^%[^%]+%/.exec(folder)?.[0];
  let base = '';
  if (variable !== undefined) {
    const mapped = VOLUME_RELATIVE[variable.toLowerCase()];
    if (mapped === undefined) throw invalid(field, `starts with ${variable}, which fix.cmd does not know`);
    base = mapped;
    rest = folder.slice(variable.length);
    if (rest !== '' && !rest.startsWith('\\')) throw invalid(field, `must continue with \\ after ${variable}`);
  }
  const dir = (base + rest).replace(/\\+$/, '');
  if (dir === '') throw invalid(field, 'must name a folder below the volume root');
  return dir;
}

/** A UTC instant as whole minutes since 1970 (floored) and whether it is exactly on a minute. */
export function minuteBound(iso: string): { minute: number; exact: boolean } {
  const ms = Date.parse(iso);
  return { minute: Math.floor(ms / 60_000), exact: ms % 60_000 === 0 };
}

/**
 * One `set "NAME=value"` line. Inside the quotes & | < > ^ ( ) are literal; % is doubled
 * (a batch file turns %% into %); a double quote cannot be escaped there, so it becomes
 * an apostrophe; line breaks and tabs become spaces; non-ASCII becomes "?". fix.cmd only
 * ever expands these values inside double quotes.
 */
export function cmdSet(name: string, value: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new BootmendError('INTERNAL', `Bad cmd variable name ${name}.`);
  return `set "${name}=${cmdSafeValue(value)}"`;
}

export function cmdSafeValue(value: string): string {
  return toAscii(value)
    .replace(/[\r\n\t]/g, ' ')
    .replace(/"/g, "'")
    .replace(/%/g, '%%');
}

// ------------------------------------------------------------- README.txt --

export function renderReadme(playbook: Playbook, mediumId: string): string {
  const out: string[] = [];
  const para = (text: string, indent = '') => {
    out.push(...wrap(toAscii(text), 76 - indent.length).map((line) => indent + line));
  };
  const heading = (text: string) => {
    out.push('', text.toUpperCase(), '='.repeat(Math.min(76, text.length)));
  };

  out.push('BOOTMEND RECOVERY STICK', '=======================');
  para(`This stick repairs PCs that no longer start because of: ${playbook.title}.`);
  out.push('');
  para(playbook.incident.summary);
  out.push('', `Playbook: ${playbook.id} ${playbook.version}    Stick: ${mediumId}`);

  heading('What the stick does');
  para('The program fix.cmd in the bootmend folder:');
  for (const line of [
    'finds every Windows drive on the PC that holds the folder named below (not only C:);',
    'if a drive is locked by BitLocker, shows its recovery key ID and asks for the 48-digit recovery password (spaces or dashes between the blocks are fine; it tells you which block is mistyped before trying it);',
    'lists each matching file with its size and time, checks it, and moves only the bad file into a safe place (nothing is deleted unless the playbook says so); a file it cannot check is left alone unless you type YES;',
    'writes a short report for the helpdesk to the results folder of this stick, and tells you what to do next.',
  ]) {
    const [first, ...rest] = wrap(toAscii(line), 72);
    out.push(`  - ${first ?? ''}`, ...rest.map((l) => `    ${l}`));
  }
  out.push('');
  para('What it looks for:');
  for (const target of playbook.targets) {
    out.push(`  - ${toAscii(target.folder)}\\${toAscii(target.glob)}`);
    para(`${target.description} ${describeConditions(target)}`, '    ');
  }

  heading('Three ways to run it');
  const routes: [string, Playbook['walkthrough']['winpe']][] = [
    ['1. Start the PC from this stick (WinPE)', playbook.walkthrough.winpe],
    ['2. Windows Recovery command prompt (WinRE)', playbook.walkthrough.winre],
    ['3. Safe Mode', playbook.walkthrough.safemode],
  ];
  for (const [title, steps] of routes) {
    out.push('', title);
    steps.forEach((step, i) => {
      para(`${String.fromCharCode(97 + i)}) ${step.title}`, '   ');
      para(step.detail, '      ');
    });
  }
  out.push('');
  para('In a command prompt, fix.cmd is run from this stick, for example (if the stick is D:):');
  out.push('      D:\\bootmend\\fix.cmd');
  para('Switches for scripted use: /unattended (asks nothing; locked drives and unverifiable files are left alone), /recoverypassword <48 digits>, /volume <letter>, /safeboot set or /safeboot clear (start in Safe Mode next time, or stop doing so), /utcoffset <minutes> (only if the time zone cannot be read).');

  heading('When it has finished');
  for (const line of [
    '"fixed": remove the stick and restart the PC. Windows should start normally.',
    '"nothing to do": the bad file is not on this PC. Restart; if it still fails, call the helpdesk.',
    '"needs attention": something was left for you (a locked drive, or a file it could not check). Read the lines on the screen, run fix.cmd again, or call the helpdesk.',
    '"failed": do not restart yet; call the helpdesk with the stick.',
  ]) {
    const [first, ...rest] = wrap(toAscii(line), 72);
    out.push(`  - ${first ?? ''}`, ...rest.map((l) => `    ${l}`));
  }
  out.push('');
  para('Bring the stick back: the helpdesk reads the report in bootmend\\results. Removed files are kept in bootmend\\quarantine\\<PC name>\\<time> with manifest.txt (what was moved, from where) and restore.cmd (moves them back; check the drive letters first). If the stick is read-only, both are on the PC\'s Windows drive in \\bootmend-quarantine instead.');
  para('The recovery password is never written to the stick or the report.');
  out.push('');
  return toCrlf(out.join('\n'));
}

const CONDITION_WORDS = { modifiedUtc: 'the time', sizeBytes: 'the size', leadingBytesHex: 'the first bytes', sha256: 'the SHA-256' } as const;

function describeConditions(target: Target): string {
  const c = target.conditions;
  const parts: string[] = [];
  if (c.modifiedUtc) parts.push(`changed from ${c.modifiedUtc.from} up to (not including) ${c.modifiedUtc.before} UTC`);
  if (c.sizeBytes?.min !== undefined) parts.push(`at least ${c.sizeBytes.min} bytes`);
  if (c.sizeBytes?.max !== undefined) parts.push(`at most ${c.sizeBytes.max} bytes`);
  if (c.leadingBytesHex) parts.push(`starting with the bytes ${c.leadingBytesHex}`);
  if (c.sha256?.deny.length) parts.push('with a known-bad SHA-256');
  if (c.sha256?.allow.length) parts.push('never a file with a known-good SHA-256');
  const optional = CONDITION_KEYS.filter((key) => c.requirement?.[key] === 'whenAvailable').map((key) => CONDITION_WORDS[key]);
  if (optional.length > 0) parts.push(`(where this PC's tools cannot check ${optional.join(' or ')}, that check is skipped)`);
  const action = target.action === 'delete' ? 'It is deleted' : 'It is moved to the quarantine folder';
  // fix.cmd's zero check (template :bm_check_zero, :bm_file_zero) runs on files inside the time window that failed another check, and always quarantines.
  const zero = c.modifiedUtc
    ? ` An all-zero copy of such a file changed inside that time (left by a crash while it was written) is moved to the quarantine folder too, where this PC's tools can read it.`
    : '';
  return parts.length > 0 ? `Only a file ${parts.join(', ')} is touched. ${action}.${zero}` : `${action}.`;
}

// ---------------------------------------------------------------- helpers --

function invalid(field: string, reason: string): BootmendError {
  return new BootmendError('INVALID_INPUT', `The playbook's "${field}" ${reason}.`, { field });
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e\r\n\t]*$/.test(text);
}

const ASCII_PUNCTUATION: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u00df': 'ss',
};

/** Plain ASCII for cmd and for README.txt shown with `type` in a WinPE console. */
export function toAscii(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00df]/g, (ch) => ASCII_PUNCTUATION[ch] ?? '?')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e\r\n\t]/g, '?');
}

function toCrlf(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
