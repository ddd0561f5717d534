import { parseArgs } from 'node:util';
import { BootmendError } from '../core/errors.js';
import { createApi, type ApiOptions } from './api.js';
import { UsageError, type Command, type OptionSpec } from './cli/command.js';
import { drivesList, drivesSnapshot } from './cli/commands/drives.js';
import { info, machineAlias, serve, settingsGet, settingsSet, thisLaptop, tools } from './cli/commands/app.js';
import { JOURNAL_COMMANDS } from './cli/commands/journal.js';
import { KEYS_COMMANDS } from './cli/commands/keys.js';
import { mediaBuild, payloadBuild } from './cli/commands/media.js';
import { mediaVerify, mediaWrite } from './cli/commands/media-write.js';
import { playbooksList, playbooksShow, playbooksValidate } from './cli/commands/playbooks.js';
import { EXIT } from './cli/exit-codes.js';
import { printJson } from './cli/call.js';
import { processIo, type Io } from './cli/output.js';

/** Every command; `group sub` names are subcommands. Later issues add theirs here. */
const COMMANDS: Command[] = [
  info,
  thisLaptop,
  machineAlias,
  tools,
  settingsGet,
  settingsSet,
  playbooksList,
  playbooksShow,
  playbooksValidate,
  payloadBuild,
  mediaBuild,
  mediaWrite,
  mediaVerify,
  ...KEYS_COMMANDS,
  ...JOURNAL_COMMANDS,
  drivesList,
  drivesSnapshot,
  serve,
];

/** A group named alone runs this subcommand ("bootmend settings" = "settings get"). */
const GROUP_DEFAULTS: Record<string, string> = { settings: 'settings get', playbooks: 'playbooks list' };

const GLOBAL_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

function help(): string {
  const listed = COMMANDS.filter((c) => c.hidden !== true);
  const width = Math.max(...listed.map((c) => c.name.length)) + 2;
  return `bootmend — boot-recovery toolkit for Windows PCs left unbootable by a bad update

Usage: bootmend <command> [options]

Commands:
${listed.map((c) => `  ${c.name.padEnd(width)}${c.usage}`).join('\n')}

Options for every command:
  --json               machine-readable result on stdout (progress as JSON lines on stderr)
  --data-dir DIR       use DIR instead of the default data folder (or BOOTMEND_DATA_DIR)
  -h, --help           this help      -v, --version   the version

Exit codes: 0 success, 1 the operation failed, 64 wrong usage, 130 cancelled
(keys lookup adds 2 not found, 3 ambiguous; journal ingest adds 2 some files rejected).
`;
}

/** Options that take a value, in any command: their value is not a command word ("--data-dir DIR keys import"). */
const VALUE_OPTIONS = new Set(
  [GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options ?? {})].flatMap((spec) => Object.entries(spec).filter(([, option]) => option.type === 'string').map(([name]) => `--${name}`)),
);

/** The words that are neither an option nor an option's value: the command, its subcommand, its arguments. */
function commandWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return [...words, ...argv.slice(i + 1)];
    if (VALUE_OPTIONS.has(arg)) i += 1;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words;
}

/** Finds the command named by the leading words: "drives list ..." or "info ...". */
function findCommand(words: string[]): { command: Command; consumed: number } | null {
  const [first, second] = words;
  if (first === undefined) return null;
  const pair = COMMANDS.find((c) => c.name === `${first} ${second ?? ''}`);
  if (pair) return { command: pair, consumed: 2 };
  const single = COMMANDS.find((c) => c.name === first) ?? COMMANDS.find((c) => c.name === GROUP_DEFAULTS[first]);
  if (single) return { command: single, consumed: 1 };
  const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (group.length > 0) {
    throw new UsageError(`"${[first, second].filter(Boolean).join(' ')}" is not a command; try ${group.map((c) => `"${c.name}"`).join(' or ')}.`);
  }
  throw new UsageError(`"${first}" is not a bootmend command.`);
}

/** What a test may change in the API the CLI builds (e.g. a stand-in fetch for Microsoft Graph). */
export type CliApiOverrides = Pick<ApiOptions, 'fetchImpl'>;

export async function main(argv: string[], io: Io = processIo, overrides: CliApiOverrides = {}): Promise<number> {
  let json = argv.includes('--json');
  try {
    const words = commandWords(argv);
    const found = argv.some((a) => a === '--version' || a === '-v') || words.length === 0 ? null : findCommand(words);
    const { values, positionals } = (() => {
      try {
        return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...GLOBAL_OPTIONS, ...(found?.command.options ?? {}) } });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    })();
    json = values.json === true;
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
    // `--vault FILE` (the keys commands' option): the vault the API's keys methods use.
    const vaultPath = typeof values.vault === 'string' && values.vault !== '' ? values.vault : undefined;
    const api = createApi({
      ...overrides,
      host: 'cli',
      ...(dataDir ? { dataDir } : {}),
      ...(vaultPath ? { vaultPath } : {}),
      // One command per process: the vault never outlives it, so no idle timer.
      vaultAutoLockMinutes: null,
      // The typed error says "details are in the log": for the CLI that log is stderr.
      onInternalError: (method, error) => io.err(`bootmend: ${method} failed: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    if (values.version === true) {
      const envelope = await api.dispatcher.call('getAppInfo', {});
      io.out(`${envelope.ok ? (envelope.value as { version: string }).version : 'unknown'}\n`);
      return EXIT.OK;
    }
    if (values.help === true || !found) {
      io.out(help());
      return EXIT.OK;
    }
    const args = positionals.slice(found.consumed);
    return await found.command.run({ api, io, args, options: values, json, dataDir });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`bootmend: ${error.message}\nRun "bootmend --help" for the commands.\n`);
      return EXIT.USAGE;
    }
    const failure = error instanceof BootmendError ? error : new BootmendError('INTERNAL', (error as Error).message);
    if (json) printJson(io, { error: failure.toJSON() });
    else io.err(`bootmend: ${failure.message}\n`);
    if (failure.code === 'CANCELLED') return EXIT.CANCELLED;
    return failure.code === 'INVALID_INPUT' ? EXIT.USAGE : EXIT.FAILED;
  }
}

// Run when executed (bin/bootmend.mjs imports this file), not when a test imports main().
if (process.argv[1] && /bootmend(\.mjs)?$|cli\.ts$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
