import { join } from 'node:path';
import { BootmendError, isBootmendError } from '../../core/errors.js';
import { FileJournal, type EventJournal } from '../journal/journal.js';
import { defaultDataDir } from '../services/data-folder.js';
import { GraphKeyClient, type DeviceCodePrompt } from './graph-online/index.js';
import { checkImportOptions, importText, mergeImports, readImportSources } from './import-keys.js';
import { KeyIndex, type KeySummary } from './lookup.js';
import { isKeyRevealedEvent, revealedKeysCsv, revealKey, ROTATION_ADVICE } from './reveal.js';
import { assertNotExpired, emptyVault, forgetKeyring, isExpired, newKeyring, openVault, openVaultKeyed, passphraseKeySource, saveVault, vaultExists, wipeVault, type KeySource } from './store.js';

/**
 * The `bootmend keys ...` commands as pure functions: they take plain arguments and an
 * environment, touch only the vault and journal files, and return what to print and the
 * exit code. main/cli/commands/keys.ts wires them as Command objects. Passwords appear
 * only in `keysLookup` with `reveal: true`, after the audit event is on disk.
 */

export interface CliResult {
  exitCode: number;
  /** The document printed with --json. */
  json: unknown;
  /** What a person sees without --json. */
  text: string;
}

export const KEYS_EXIT = { OK: 0, FAILED: 1, NOT_FOUND: 2, AMBIGUOUS: 3, USAGE: 64 } as const;

export interface VaultEnv {
  vaultPath: string;
  journalPath: string;
  /** From BOOTMEND_VAULT_PASSPHRASE; absent → commands that decrypt fail with a usage message. */
  passphrase: string | undefined;
  now?: Date;
  /** Overrides the passphrase source (tests; Electron's safeStorage later). */
  keySource?: KeySource;
  journal?: EventJournal;
}

export const PASSPHRASE_ENV = 'BOOTMEND_VAULT_PASSPHRASE';

/** `--vault` wins; else `<dataDir>/vault.bmv`. The journal lives in `<dataDir>/journal/events.ndjson`. */
export function vaultEnvFrom(options: { vault?: string | undefined; dataDir?: string | undefined; env?: NodeJS.ProcessEnv }): VaultEnv {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? defaultDataDir(env);
  return {
    vaultPath: options.vault ?? join(dataDir, 'vault.bmv'),
    journalPath: join(dataDir, 'journal', 'events.ndjson'),
    passphrase: env[PASSPHRASE_ENV],
  };
}

function keySourceOf(env: VaultEnv): KeySource {
  if (env.keySource) return env.keySource;
  if (env.passphrase === undefined || env.passphrase === '') {
    throw new BootmendError('INVALID_INPUT', `Set ${PASSPHRASE_ENV} to the vault passphrase (it is never read from the command line, so it stays out of shell history).`);
  }
  return passphraseKeySource(env.passphrase);
}

function failure(error: unknown): CliResult {
  const e = isBootmendError(error) ? error : new BootmendError('INTERNAL', 'Unexpected error in the key vault.');
  return { exitCode: e.code === 'INVALID_INPUT' ? KEYS_EXIT.USAGE : KEYS_EXIT.FAILED, json: { error: e.toJSON() }, text: `${e.message}\n` };
}

// ---------------------------------------------------------------------------------------

export interface ImportArgs {
  files: string[];
  format?: string;
  scope?: string[];
  /** ISO date/time after which lookups are refused; null removes an expiry; undefined keeps it. */
  expires?: string | null;
}

export type { ImportJson } from './import-keys.js';

export async function keysImport(args: ImportArgs, env: VaultEnv): Promise<CliResult> {
  try {
    const options = checkImportOptions(args, args.files.length);
    const source = keySourceOf(env);
    const read = await readImportSources(args.files.map((path) => ({ path })), options);
    if (!read.ok) return { exitCode: KEYS_EXIT.FAILED, json: { error: { code: 'INVALID_INPUT', message: read.message }, failed: read.failed }, text: `${read.message}\n` };
    // The existing data key and all its wrapped copies are kept (a safeStorage copy the CLI cannot make survives).
    const opened = (await vaultExists(env.vaultPath)) ? await openVaultKeyed(env.vaultPath, source) : { data: emptyVault(env.now), keyring: await newKeyring([source]) };
    try {
      const { next, json } = mergeImports(opened.data, read.results, options.expiresAt, env.vaultPath);
      await saveVault(env.vaultPath, opened.keyring, next, env.now);
      return { exitCode: KEYS_EXIT.OK, json, text: importText(json) };
    } finally {
      forgetKeyring(opened.keyring);
    }
  } catch (error) {
    return failure(error);
  }
}

// ---------------------------------------------------------------------------------------

export interface LookupArgs {
  query: string;
  reveal?: boolean;
  machine?: string;
  reason?: string;
  technician?: string;
}

function groups(password: string): string {
  return password.split('-').join('  ');
}

export async function keysLookup(args: LookupArgs, env: VaultEnv): Promise<CliResult> {
  try {
    if (args.reveal && (args.reason ?? '').trim() === '') throw new BootmendError('INVALID_INPUT', '--reveal needs --reason TEXT (and --machine NAME unless it is the key\'s own device): it goes into the audit record.', { field: 'reason' });
    const vault = await openVault(env.vaultPath, keySourceOf(env));
    assertNotExpired(vault, env.now);
    const index = new KeyIndex(vault.records);
    const result = index.lookup(args.query);
    if (result.kind === 'not-found') return { exitCode: KEYS_EXIT.NOT_FOUND, json: { error: { code: 'NOT_FOUND', message: result.message } }, text: `${result.message}\n` };
    if (result.kind === 'ambiguous') {
      const text = `${result.message}\n${result.candidates.map(candidateLine).join('\n')}${result.total > result.candidates.length ? `\n… and ${result.total - result.candidates.length} more` : ''}\n`;
      return { exitCode: KEYS_EXIT.AMBIGUOUS, json: { candidates: result.candidates, total: result.total, message: result.message }, text };
    }
    const key: KeySummary = result.key;
    if (!args.reveal) {
      return { exitCode: KEYS_EXIT.OK, json: { id: key.id, device: key.device, created: key.created }, text: `${candidateLine(key)}\nAdd --reveal --reason TEXT [--machine NAME] to show the recovery password (the reveal is recorded).\n` };
    }
    const machine = args.machine ?? key.device ?? '';
    const revealed = await revealKey(index, vault, env.journal ?? new FileJournal(env.journalPath), {
      id: key.id,
      machine,
      reason: args.reason ?? '',
      technician: args.technician ?? '',
      ...(env.now ? { now: env.now } : {}),
    });
    return {
      exitCode: KEYS_EXIT.OK,
      json: { id: revealed.id, device: revealed.device, created: revealed.created, password: revealed.password },
      text: `${candidateLine(key)}\n\n  ${groups(revealed.password)}\n\nThis reveal was recorded (event ${revealed.eventId}). Rotate this key once the PC is back: bootmend keys revealed --format csv.\n`,
    };
  } catch (error) {
    return failure(error);
  }
}

// ---------------------------------------------------------------------------------------

export const GRAPH_TENANT_ENV = 'BOOTMEND_GRAPH_TENANT';
export const GRAPH_CLIENT_ID_ENV = 'BOOTMEND_GRAPH_CLIENT_ID';

export interface OnlineLookupArgs extends LookupArgs {
  tenantId?: string | undefined;
  clientId?: string | undefined;
  version: string;
  /** Base URLs (tests against a stand-in). */
  loginBaseUrl?: string;
  graphBaseUrl?: string;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Where the device-code sentence goes while waiting (stderr for the CLI). */
  onPrompt: (prompt: DeviceCodePrompt) => void;
  signal?: AbortSignal;
}

/**
 * `bootmend keys lookup --online`: the same lookup and audited reveal against Microsoft
 * Graph, after a device-code sign-in (the token is kept in memory for this one command).
 */
export async function keysLookupOnline(args: OnlineLookupArgs, env: VaultEnv): Promise<CliResult> {
  try {
    if (args.reveal && (args.reason ?? '').trim() === '') throw new BootmendError('INVALID_INPUT', '--reveal needs --reason TEXT (and --machine NAME): it goes into the audit record.', { field: 'reason' });
    if (!args.tenantId || !args.clientId) throw new BootmendError('INVALID_INPUT', `--online needs --tenant and --client-id (or ${GRAPH_TENANT_ENV} and ${GRAPH_CLIENT_ID_ENV}, or graph settings): the Entra tenant and the app registration allowed to read BitLocker keys.`);
    const client = new GraphKeyClient({
      tenantId: args.tenantId,
      clientId: args.clientId,
      version: args.version,
      ...(args.loginBaseUrl ? { loginBaseUrl: args.loginBaseUrl } : {}),
      ...(args.graphBaseUrl ? { graphBaseUrl: args.graphBaseUrl } : {}),
      ...(args.fetchImpl ? { fetchImpl: args.fetchImpl } : {}),
      ...(args.sleep ? { sleep: args.sleep } : {}),
    });
    args.onPrompt(await client.startSignIn());
    await client.waitForToken(args.signal);
    const result = await client.lookup(args.query, args.signal);
    if (result.kind === 'not-found') return { exitCode: KEYS_EXIT.NOT_FOUND, json: { error: { code: 'NOT_FOUND', message: result.message } }, text: `${result.message}\n` };
    if (result.kind === 'ambiguous') {
      const text = `${result.message}\n${result.candidates.map(candidateLine).join('\n')}${result.total > result.candidates.length ? `\n… and ${result.total - result.candidates.length} more` : ''}\n`;
      return { exitCode: KEYS_EXIT.AMBIGUOUS, json: { candidates: result.candidates, total: result.total, message: result.message }, text };
    }
    const key = result.key;
    if (!args.reveal) return { exitCode: KEYS_EXIT.OK, json: { id: key.id, device: key.device, created: key.created, source: 'graph' }, text: `${candidateLine(key)}\nAdd --reveal --reason TEXT --machine NAME to show the recovery password (the reveal is recorded).\n` };
    const revealed = await client.reveal(
      { id: key.id, machine: args.machine ?? '', reason: args.reason ?? '', technician: args.technician ?? '', ...(env.now ? { now: env.now } : {}) },
      env.journal ?? new FileJournal(env.journalPath),
      args.signal,
    );
    return {
      exitCode: KEYS_EXIT.OK,
      json: { id: revealed.id, device: revealed.device, created: revealed.created, password: revealed.password, source: 'graph' },
      text: `${candidateLine(key)}\n\n  ${groups(revealed.password)}\n\nThis reveal was recorded (event ${revealed.eventId}). Rotate this key once the PC is back: bootmend keys revealed --format csv.\n`,
    };
  } catch (error) {
    return failure(error);
  }
}

function candidateLine(key: KeySummary): string {
  return `${key.id}  ${key.device ?? '(no device name)'}  ${key.created ?? '(no date)'}`;
}

// ---------------------------------------------------------------------------------------

export async function keysStats(env: VaultEnv): Promise<CliResult> {
  try {
    if (!(await vaultExists(env.vaultPath))) {
      return { exitCode: KEYS_EXIT.OK, json: { vault: env.vaultPath, exists: false, keys: 0 }, text: `No key vault at ${env.vaultPath} yet.\n` };
    }
    const vault = await openVault(env.vaultPath, keySourceOf(env));
    const index = new KeyIndex(vault.records);
    const created = vault.records.map((r) => r.created).filter((c): c is string => c !== null).sort();
    const byVolumeType: Record<string, number> = {};
    for (const r of vault.records) byVolumeType[r.volumeType ?? 'unknown'] = (byVolumeType[r.volumeType ?? 'unknown'] ?? 0) + 1;
    const json = {
      vault: env.vaultPath,
      exists: true,
      keys: index.size,
      devices: index.devices,
      withoutDevice: vault.records.filter((r) => r.device === null).length,
      byVolumeType,
      oldestKey: created[0] ?? null,
      newestKey: created.at(-1) ?? null,
      createdAt: vault.createdAt,
      updatedAt: vault.updatedAt,
      expiresAt: vault.expiresAt,
      expired: isExpired(vault, env.now),
    };
    const text = `${json.keys} keys for ${json.devices} devices in ${json.vault}${json.expiresAt ? `; ${json.expired ? 'EXPIRED on' : 'expires'} ${json.expiresAt}` : ''}; last import ${json.updatedAt}.\n`;
    return { exitCode: KEYS_EXIT.OK, json, text };
  } catch (error) {
    return failure(error);
  }
}

export async function keysWipe(env: VaultEnv): Promise<CliResult> {
  try {
    const wiped = await wipeVault(env.vaultPath);
    return { exitCode: KEYS_EXIT.OK, json: { vault: env.vaultPath, wiped }, text: wiped ? `Overwrote and deleted the key vault ${env.vaultPath}.\n` : `There was no key vault at ${env.vaultPath}.\n` };
  } catch (error) {
    return failure(error);
  }
}

export async function keysRevealed(args: { format?: string; since?: string }, env: VaultEnv): Promise<CliResult> {
  try {
    const format = args.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new BootmendError('INVALID_INPUT', '--format must be csv or json.', { field: 'format' });
    const journal = env.journal ?? new FileJournal(env.journalPath);
    const { events, damaged } = await journal.read({ type: 'key.revealed', ...(args.since ? { since: args.since } : {}) });
    const revealed = events.filter(isKeyRevealedEvent).map((e) => ({ id: e.keyId, device: e.device, machine: e.machine, technician: e.technician, time: e.at, reason: e.reason }));
    const json = { revealed, advice: ROTATION_ADVICE, damagedJournalLines: damaged.length };
    const text = format === 'csv' ? revealedKeysCsv(events) : `${JSON.stringify(json, null, 2)}\n`;
    return { exitCode: KEYS_EXIT.OK, json, text };
  } catch (error) {
    return failure(error);
  }
}
