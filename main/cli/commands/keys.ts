import { BootmendError } from '../../../core/errors.js';
import { describeKeyIds, ImportFailedSchema, KeyFormatOption, type ImportSummary, type KeySummaryInfo, type LookupKeyResult } from '../../../core/keys/schemas.js';
import { ApiCallError, callApi, printJson } from '../call.js';
import { UsageError, type Command, type CommandContext } from '../command.js';
import { EXIT } from '../exit-codes.js';

/**
 * `bootmend keys ...`: argument parsing and printing over the local API's keys methods
 * (unlockVault, importKeys, lookupKey, revealKey, getVaultStats, wipeVault, listRevealedKeys),
 * the same calls the Keys screen makes. The passphrase comes only from
 * BOOTMEND_VAULT_PASSPHRASE; the vault from --vault (main/cli.ts passes it to createApi) or
 * the data folder's. Only `keys lookup --online` talks to Microsoft Graph itself (the app has
 * no Graph sign-in yet), and its reveal is audited in the services' one journal.
 * Exit codes: 0 ok, 1 failed (unreadable file, unknown layout, wrong passphrase, expired),
 * 2 not found, 3 ambiguous, 64 wrong usage, 130 cancelled.
 */

export const KEYS_EXIT = { NOT_FOUND: 2, AMBIGUOUS: 3 } as const;
export const PASSPHRASE_ENV = 'BOOTMEND_VAULT_PASSPHRASE';
export const GRAPH_TENANT_ENV = 'BOOTMEND_GRAPH_TENANT';
export const GRAPH_CLIENT_ID_ENV = 'BOOTMEND_GRAPH_CLIENT_ID';

function str(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** The JSON document with --json, else the text; both on stdout (answers, including "not found"). */
function answer(ctx: CommandContext, code: number, json: unknown, text: string): number {
  if (ctx.json) printJson(ctx.io, json);
  else ctx.io.out(text);
  return code;
}

function passphrase(): string {
  const value = process.env[PASSPHRASE_ENV];
  if (!value) throw new BootmendError('INVALID_INPUT', `Set ${PASSPHRASE_ENV} to the vault passphrase (it is never read from the command line, so it stays out of shell history).`);
  return value;
}

const vaultOption = { vault: { type: 'string' } } as const;

// ---------------------------------------------------------------------------------------

type ImportJson = Omit<ImportSummary, 'expiresAt'> & { vault: string; expiresAt: string | null };

function importText(json: ImportJson): string {
  const lines = [
    // Where the IDs came from is said when there was a choice to make: raw bytes, or an ID checked against the Name/DN.
    ...json.files.map((f) => `${f.file}: ${f.layout} layout, ${f.rows} rows, ${f.keys} keys read${f.keyIds && (f.keyIds.encoding === 'bytes' || f.keyIds.checkedAgainst !== null) ? `. ${describeKeyIds(f.keyIds)}` : ''}`),
    `Imported ${json.imported} new keys (${json.duplicates} duplicates collapsed, ${json.conflicts.length} conflicts, ${json.rejected.length} rows rejected${json.outOfScope ? `, ${json.outOfScope} out of scope` : ''}). The vault now holds ${json.total} keys.`,
    ...json.conflicts.map((c) => `conflict ${c.id}: kept ${c.kept.source} (${c.kept.created ?? 'no date'}), dropped ${c.dropped.source} (${c.dropped.created ?? 'no date'})`),
    ...json.rejected.map((r) => `rejected ${r.file}:${r.line}: ${r.reason}`),
    ...json.warnings.map((w) => `warning ${w.file}:${w.line}: ${w.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const keysImport: Command = {
  name: 'keys import',
  usage: '<file>... [--format auto|ad|graph|entra|mbam|csv] [--scope PATTERN]... [--expires DATE|never] [--vault FILE]  add BitLocker key exports to the encrypted vault (creates it when there is none)',
  options: { ...vaultOption, format: { type: 'string' }, scope: { type: 'string', multiple: true }, expires: { type: 'string' } },
  async run(ctx) {
    if (ctx.args.length === 0) throw new UsageError('keys import needs at least one export file.');
    const format = str(ctx, 'format');
    const parsedFormat = format === undefined ? undefined : KeyFormatOption.safeParse(format);
    if (parsedFormat && !parsedFormat.success) throw new BootmendError('INVALID_INPUT', `--format must be one of ${KeyFormatOption.options.join(', ')}.`, { field: 'format' });
    const rawScope = ctx.options.scope;
    const scope = (Array.isArray(rawScope) ? rawScope : [rawScope]).filter((s): s is string => typeof s === 'string');
    const expires = str(ctx, 'expires');
    const secret = passphrase();
    const { api, io, json } = ctx;
    const before = await callApi(api, 'getVaultStatus', {}, io, json);
    // create only when there is none: the new-vault passphrase rules do not apply to an existing vault.
    const status = await callApi(api, 'unlockVault', before.exists ? { passphrase: secret } : { passphrase: secret, create: true }, io, json);
    let summary: ImportSummary;
    try {
      summary = await callApi(
        api,
        'importKeys',
        {
          sources: ctx.args.map((path) => ({ path })),
          ...(parsedFormat?.success ? { format: parsedFormat.data } : {}),
          ...(scope.length > 0 ? { scope } : {}),
          ...(expires === undefined ? {} : { expires: expires === 'never' ? null : expires }),
        },
        io,
        json,
      );
    } catch (error) {
      // A first import that fails leaves no vault behind: the empty one made for it goes again.
      if (!before.exists) await callApi(api, 'wipeVault', { confirm: 'WIPE' }, io, json).catch(() => undefined);
      const failed = error instanceof ApiCallError ? ImportFailedSchema.safeParse(error.detail) : null;
      if (!failed?.success) throw error;
      // An export that cannot be read is the operation failing (exit 1), not wrong usage.
      if (json) printJson(io, { error: { code: (error as ApiCallError).code, message: (error as ApiCallError).message }, failed: failed.data.failed });
      else io.err(`bootmend: ${(error as ApiCallError).message}\n`);
      return EXIT.FAILED;
    }
    const { expiresAt, ...counts } = summary;
    const result: ImportJson = { ...counts, vault: status.path, expiresAt };
    return answer(ctx, EXIT.OK, result, importText(result));
  },
};

// ---------------------------------------------------------------------------------------

function candidateLine(key: KeySummaryInfo): string {
  return `${key.id}  ${key.device ?? '(no device name)'}  ${key.created ?? '(no date)'}`;
}

function groups(password: string): string {
  return password.split('-').join('  ');
}

/** Not found (exit 2) and ambiguous (exit 3): answers, printed on stdout. */
function printMiss(ctx: CommandContext, result: Exclude<LookupKeyResult, { kind: 'found' }>): number {
  if (result.kind === 'not-found') return answer(ctx, KEYS_EXIT.NOT_FOUND, { error: { code: 'NOT_FOUND', message: result.message } }, `${result.message}\n`);
  const more = result.total > result.candidates.length ? `\n… and ${result.total - result.candidates.length} more` : '';
  return answer(ctx, KEYS_EXIT.AMBIGUOUS, { candidates: result.candidates, total: result.total, message: result.message }, `${result.message}\n${result.candidates.map(candidateLine).join('\n')}${more}\n`);
}

/** --machine, else the key's own device name; a key with neither cannot be revealed (the audit names the PC). */
function machineFor(key: KeySummaryInfo, machine: string | undefined): string {
  const named = machine?.trim() || key.device?.trim();
  if (!named) throw new BootmendError('INVALID_INPUT', `--reveal needs --machine NAME: key ${key.id} has no device name, and the audit record names the PC the password is for.`, { field: 'machine' });
  return named;
}

function revealedText(key: KeySummaryInfo, password: string, eventId: string): string {
  return `${candidateLine(key)}\n\n  ${groups(password)}\n\nThis reveal was recorded (event ${eventId}). Rotate this key once the PC is back: bootmend keys revealed --format csv.\n`;
}

interface LookupArgs {
  query: string;
  reveal: boolean;
  machine: string | undefined;
  reason: string;
  technician: string | undefined;
}

export const keysLookup: Command = {
  name: 'keys lookup',
  usage:
    "<id-prefix|device> [--reveal --reason TEXT [--machine NAME] [--technician NAME]] [--online [--tenant ID --client-id ID]] [--vault FILE]  find a key (exit 2 not found, 3 ambiguous); --reveal shows the recovery password and records who, why and for which PC: --machine defaults to the key's own device name (needed when the key has none), --technician to the name in settings, then your user name; --online asks Microsoft Graph after a device-code sign-in (tenant and client ID also from BOOTMEND_GRAPH_TENANT / BOOTMEND_GRAPH_CLIENT_ID or settings)",
  options: { ...vaultOption, reveal: { type: 'boolean' }, machine: { type: 'string' }, reason: { type: 'string' }, technician: { type: 'string' }, online: { type: 'boolean' }, tenant: { type: 'string' }, 'client-id': { type: 'string' } },
  async run(ctx) {
    const query = ctx.args.join(' ').trim();
    if (query === '') throw new UsageError('keys lookup needs a key ID (8 or more characters) or a device name.');
    const args: LookupArgs = { query, reveal: ctx.options.reveal === true, machine: str(ctx, 'machine'), reason: str(ctx, 'reason') ?? '', technician: str(ctx, 'technician') };
    if (args.reveal && args.reason.trim() === '') {
      throw new BootmendError('INVALID_INPUT', "--reveal needs --reason TEXT (and --machine NAME unless it is the key's own device): it goes into the audit record.", { field: 'reason' });
    }
    if (ctx.options.online === true) return lookupOnline(ctx, args);
    const { api, io, json } = ctx;
    await callApi(api, 'unlockVault', { passphrase: passphrase() }, io, json);
    const result = await callApi(api, 'lookupKey', { query }, io, json);
    if (result.kind !== 'found') return printMiss(ctx, result);
    const key = result.key;
    if (!args.reveal) {
      return answer(ctx, EXIT.OK, { id: key.id, device: key.device, created: key.created }, `${candidateLine(key)}\nAdd --reveal --reason TEXT [--machine NAME] to show the recovery password (the reveal is recorded).\n`);
    }
    const revealed = await callApi(
      api,
      'revealKey',
      { id: key.id, machine: machineFor(key, args.machine), reason: args.reason, ...(args.technician ? { technician: args.technician } : {}) },
      io,
      json,
    );
    return answer(ctx, EXIT.OK, { id: revealed.id, device: revealed.device, created: revealed.created, password: revealed.password }, revealedText(key, revealed.password, revealed.eventId));
  },
};

/**
 * `keys lookup --online`: the same lookup and audited reveal against Microsoft Graph, through the
 * app's own methods (startGraphSignIn, getGraphSignIn, findGraphKey, lookupGraphKey) after a
 * device-code sign-in; the token stays in this one command's memory.
 */
async function lookupOnline(ctx: CommandContext, args: LookupArgs): Promise<number> {
  const { api, io, json } = ctx;
  const settings = await callApi(api, 'getSettings', {}, io, json);
  const tenantId = str(ctx, 'tenant') ?? process.env[GRAPH_TENANT_ENV] ?? settings.graph?.tenantId;
  const clientId = str(ctx, 'client-id') ?? process.env[GRAPH_CLIENT_ID_ENV] ?? settings.graph?.clientId;
  if (!tenantId || !clientId) {
    throw new BootmendError('INVALID_INPUT', `--online needs --tenant and --client-id (or ${GRAPH_TENANT_ENV} and ${GRAPH_CLIENT_ID_ENV}, or graph settings): the Entra tenant and the app registration allowed to read BitLocker keys.`);
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const prompt = await callApi(api, 'startGraphSignIn', { tenantId, clientId }, io, json);
    const minutes = prompt.expiresAt ? Math.max(1, Math.round((Date.parse(prompt.expiresAt) - Date.now()) / 60_000)) : null;
    // The sign-in sentence goes to stderr, so stdout stays one JSON document with --json.
    io.err(`${prompt.message ?? ''}\nWaiting for the sign-in${minutes ? ` (the code expires in ${minutes} minutes)` : ''}…\n`);
    await signedIn(ctx, controller.signal);
    const result = await callApi(api, 'findGraphKey', { query: args.query }, io, json);
    if (result.kind !== 'found') return printMiss(ctx, result);
    const key = result.key;
    if (!args.reveal) {
      return answer(ctx, EXIT.OK, { id: key.id, device: key.device, created: key.created, source: 'graph' }, `${candidateLine(key)}\nAdd --reveal --reason TEXT --machine NAME to show the recovery password (the reveal is recorded).\n`);
    }
    const found = await callApi(
      api,
      'lookupGraphKey',
      { keyId: key.id, machine: machineFor(key, args.machine), reason: args.reason, ...(args.technician ? { technician: args.technician } : {}) },
      io,
      json,
    );
    if (found.match !== 'one') return printMiss(ctx, { kind: 'ambiguous', candidates: found.candidates, total: found.candidates.length, message: found.message });
    const revealed = found.revealed;
    return answer(ctx, EXIT.OK, { id: revealed.id, device: revealed.device, created: revealed.created, password: revealed.password, source: 'graph' }, revealedText(key, revealed.password, revealed.eventId));
  } catch (error) {
    if (controller.signal.aborted) throw new BootmendError('CANCELLED', 'Cancelled before it finished.');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await callApi(api, 'signOutGraph', {}, io, json).catch(() => undefined);
  }
}

/** Waits until the device-code sign-in is done (as the Keys screen does, by asking getGraphSignIn), or failed, or cancelled. */
async function signedIn(ctx: CommandContext, signal: AbortSignal): Promise<void> {
  for (;;) {
    const now = await callApi(ctx.api, 'getGraphSignIn', {}, ctx.io, ctx.json);
    if (now.state === 'signed-in') return;
    if (now.state !== 'waiting') throw new BootmendError('UNAUTHORIZED', now.error ?? 'The Microsoft sign-in did not finish.');
    if (signal.aborted) throw new BootmendError('CANCELLED', 'Cancelled before it finished.');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// ---------------------------------------------------------------------------------------

export const keysStats: Command = {
  name: 'keys stats',
  usage: '[--vault FILE]  how many keys, devices, expiry',
  options: vaultOption,
  async run(ctx) {
    const { api, io, json } = ctx;
    const status = await callApi(api, 'getVaultStatus', {}, io, json);
    if (status.exists) await callApi(api, 'unlockVault', { passphrase: passphrase() }, io, json);
    const stats = await callApi(api, 'getVaultStats', {}, io, json);
    if (!stats.exists) return answer(ctx, EXIT.OK, stats, `No key vault at ${stats.vault} yet.\n`);
    const expiry = stats.expiresAt ? `; ${stats.expired ? 'EXPIRED on' : 'expires'} ${stats.expiresAt}` : '';
    return answer(ctx, EXIT.OK, stats, `${stats.keys} keys for ${stats.devices} devices in ${stats.vault}${expiry}; last import ${stats.updatedAt}.\n`);
  },
};

export const keysWipe: Command = {
  name: 'keys wipe',
  usage: '[--vault FILE]  overwrite and delete the key vault (no passphrase needed; the audit journal stays)',
  options: vaultOption,
  async run(ctx) {
    const { api, io, json } = ctx;
    const before = await callApi(api, 'getVaultStatus', {}, io, json);
    // Running "keys wipe" is the confirmation the Keys screen asks to be typed.
    await callApi(api, 'wipeVault', { confirm: 'WIPE' }, io, json);
    const text = before.exists ? `Overwrote and deleted the key vault ${before.path}.\n` : `There was no key vault at ${before.path}.\n`;
    return answer(ctx, EXIT.OK, { vault: before.path, wiped: before.exists }, text);
  },
};

export const keysRevealed: Command = {
  name: 'keys revealed',
  usage: '[--format csv|json] [--since DATE|ISO-TIME]  keys shown to someone, to rotate (with advice); json is the same object the Keys screen gets',
  options: { format: { type: 'string' }, since: { type: 'string' } },
  async run(ctx) {
    const format = str(ctx, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new BootmendError('INVALID_INPUT', '--format must be csv or json.', { field: 'format' });
    const since = str(ctx, 'since');
    const list = await callApi(ctx.api, 'listRevealedKeys', since === undefined ? {} : { since }, ctx.io, ctx.json);
    if (ctx.json || format === 'json') printJson(ctx.io, list);
    else ctx.io.out(list.csv);
    if (list.damagedJournalLines > 0 && !ctx.json) ctx.io.err(`bootmend: ${list.damagedJournalLines} damaged journal line(s) were skipped; reveals recorded there are not in this list.\n`);
    return EXIT.OK;
  },
};

/** Every keys command, for main/cli.ts's COMMANDS list. */
export const KEYS_COMMANDS: Command[] = [keysImport, keysLookup, keysStats, keysWipe, keysRevealed];
