import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { SettingsStore } from '../../settings/store.js';
import { GRAPH_CLIENT_ID_ENV, GRAPH_TENANT_ENV, keysImport as runImport, keysLookup as runLookup, keysLookupOnline as runLookupOnline, keysRevealed as runRevealed, keysStats as runStats, keysWipe as runWipe, vaultEnvFrom, type CliResult, type VaultEnv } from '../../keys/cli-commands.js';
import { printJson } from '../call.js';
import { UsageError, type Command, type CommandContext } from '../command.js';

/**
 * `bootmend keys ...`: thin wrappers over main/keys/cli-commands.ts. The passphrase comes
 * only from BOOTMEND_VAULT_PASSPHRASE; the vault from --vault or <dataDir>/vault.bmv.
 * Exit codes: 0 ok, 1 failed (unreadable file, unknown layout, wrong passphrase, expired),
 * 2 not found, 3 ambiguous, 64 wrong usage.
 */

function str(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

function env(ctx: CommandContext): VaultEnv {
  return vaultEnvFrom({ vault: str(ctx, 'vault'), dataDir: ctx.dataDir ?? ctx.api.dataDir });
}

function emit(ctx: CommandContext, result: CliResult): number {
  if (ctx.json) printJson(ctx.io, result.json);
  else if (result.exitCode === 0 || result.exitCode === 2 || result.exitCode === 3) ctx.io.out(result.text);
  else ctx.io.err(`bootmend: ${result.text}`);
  return result.exitCode;
}

async function technicianName(ctx: CommandContext): Promise<string> {
  const given = str(ctx, 'technician');
  if (given) return given;
  const saved = (await new SettingsStore(ctx.dataDir ?? ctx.api.dataDir).read().catch(() => null))?.technicianName;
  if (saved) return saved;
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

const vaultOption = { vault: { type: 'string' } } as const;

export const keysImport: Command = {
  name: 'keys import',
  usage: '<file>... [--format auto|ad|graph|entra|mbam|csv] [--scope PATTERN]... [--expires DATE] [--vault FILE]  add BitLocker key exports to the encrypted vault',
  options: { ...vaultOption, format: { type: 'string' }, scope: { type: 'string', multiple: true }, expires: { type: 'string' } },
  async run(ctx) {
    if (ctx.args.length === 0) throw new UsageError('keys import needs at least one export file.');
    const scope = ctx.options.scope;
    const expires = str(ctx, 'expires');
    const result = await runImport(
      {
        files: ctx.args,
        ...(str(ctx, 'format') ? { format: str(ctx, 'format')! } : {}),
        scope: Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : typeof scope === 'string' ? [scope] : [],
        ...(expires === undefined ? {} : { expires: expires === 'never' ? null : expires }),
      },
      env(ctx),
    );
    return emit(ctx, result);
  },
};

export const keysLookup: Command = {
  name: 'keys lookup',
  usage:
    '<id-prefix|device> [--reveal --reason TEXT [--machine NAME] [--technician NAME]] [--online [--tenant ID --client-id ID]]  find a key (exit 2 not found, 3 ambiguous); --online asks Microsoft Graph after a device-code sign-in (tenant and client ID also from BOOTMEND_GRAPH_TENANT / BOOTMEND_GRAPH_CLIENT_ID or settings)',
  options: { ...vaultOption, reveal: { type: 'boolean' }, machine: { type: 'string' }, reason: { type: 'string' }, technician: { type: 'string' }, online: { type: 'boolean' }, tenant: { type: 'string' }, 'client-id': { type: 'string' } },
  async run(ctx) {
    const query = ctx.args.join(' ').trim();
    if (query === '') throw new UsageError('keys lookup needs a key ID (8 or more characters) or a device name.');
    const reveal = ctx.options.reveal === true;
    const machine = str(ctx, 'machine');
    const reason = str(ctx, 'reason');
    const base = { query, reveal, ...(machine ? { machine } : {}), ...(reason ? { reason } : {}), ...(reveal ? { technician: await technicianName(ctx) } : {}) };
    if (ctx.options.online === true) {
      const graph = (await new SettingsStore(ctx.dataDir ?? ctx.api.dataDir).read().catch(() => null))?.graph;
      const result = await runLookupOnline(
        {
          ...base,
          tenantId: str(ctx, 'tenant') ?? process.env[GRAPH_TENANT_ENV] ?? graph?.tenantId,
          clientId: str(ctx, 'client-id') ?? process.env[GRAPH_CLIENT_ID_ENV] ?? graph?.clientId,
          version: bootmendVersion(),
          // The sign-in sentence goes to stderr, so stdout stays one JSON document with --json.
          onPrompt: (prompt) => ctx.io.err(`${prompt.message}\nWaiting for the sign-in (the code expires in ${Math.round(prompt.expiresIn / 60)} minutes)…\n`),
        },
        env(ctx),
      );
      return emit(ctx, result);
    }
    return emit(ctx, await runLookup(base, env(ctx)));
  },
};

function bootmendVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const keysStats: Command = {
  name: 'keys stats',
  usage: '[--vault FILE]  how many keys, devices, expiry',
  options: vaultOption,
  async run(ctx) {
    return emit(ctx, await runStats(env(ctx)));
  },
};

export const keysWipe: Command = {
  name: 'keys wipe',
  usage: '[--vault FILE]  overwrite and delete the key vault',
  options: vaultOption,
  async run(ctx) {
    return emit(ctx, await runWipe(env(ctx)));
  },
};

export const keysRevealed: Command = {
  name: 'keys revealed',
  usage: '[--format csv|json] [--since ISO-TIME]  keys shown to someone, to rotate (with advice)',
  options: { format: { type: 'string' }, since: { type: 'string' } },
  async run(ctx) {
    const since = str(ctx, 'since');
    const result = await runRevealed({ format: str(ctx, 'format') ?? 'csv', ...(since ? { since } : {}) }, env(ctx));
    if (!ctx.json && result.exitCode === 0) {
      ctx.io.out(result.text);
      return 0;
    }
    return emit(ctx, result);
  },
};

/** Every keys command, for main/cli.ts's COMMANDS list. */
export const KEYS_COMMANDS: Command[] = [keysImport, keysLookup, keysStats, keysWipe, keysRevealed];
