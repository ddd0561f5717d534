import { parseArgs } from 'node:util';
import type { MethodOutput } from '../core/api/contract.js';
import { SettingsSchema } from '../core/settings.js';
import { formatBytes } from '../core/progress.js';
import { BootmendError } from '../core/errors.js';
import { createApi, type BootmendApi } from './api.js';
import { EXIT } from './cli/exit-codes.js';
import { processIo, progressPrinter, table, type Io } from './cli/output.js';

const HELP = `bootmend — boot-recovery toolkit for Windows PCs left unbootable by a bad update

Usage: bootmend <command> [options]

Commands:
  info                 version, host and data folder
  machine              this computer's system, OS and disks (system disk marked)
  tools                look for optional helper tools (wimlib, DISM, 7-Zip, xorriso, QEMU)
  settings [get]       show saved settings
  settings set K=V...  change settings (theme, technicianName, backendUrl)
  serve                start the web host (the technician app in a browser)
                       --port N (0 = free port), --no-open

Options for every command:
  --json               machine-readable result on stdout (progress as JSON lines on stderr)
  --data-dir DIR       use DIR instead of the default data folder (or BOOTMEND_DATA_DIR)
  -h, --help           this help      -v, --version   the version

Exit codes: 0 success, 1 the operation failed, 64 wrong usage, 130 cancelled.
`;

interface Parsed {
  command: string | undefined;
  rest: string[];
  json: boolean;
  dataDir: string | undefined;
  port: string | undefined;
  noOpen: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): Parsed | 'help' | 'version' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  return {
    command: positionals[0],
    rest: positionals.slice(1),
    json: values.json,
    dataDir: values['data-dir'],
    port: values.port,
    noOpen: values['no-open'],
  };
}

async function call<T>(api: BootmendApi, name: string, input: unknown, io: Io, json: boolean): Promise<T> {
  const printer = progressPrinter(io, json);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const envelope = await api.dispatcher.call(name, input, {
      jobId: `cli-${process.pid}-${Date.now()}`,
      onProgress: printer.onProgress,
      signal: controller.signal,
    });
    printer.done();
    if (!envelope.ok) throw BootmendError.from(envelope.error);
    return envelope.value as T;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let parsed: Parsed | 'help' | 'version';
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`bootmend: ${(error as Error).message}\nRun "bootmend --help" for the commands.\n`);
    return EXIT.USAGE;
  }
  const api = createApi({ host: 'cli', ...(parsed !== 'help' && parsed !== 'version' && parsed.dataDir ? { dataDir: parsed.dataDir } : {}) });
  if (parsed === 'help' || (parsed !== 'version' && parsed.command === undefined)) {
    io.out(HELP);
    return EXIT.OK;
  }
  if (parsed === 'version') {
    const info = await call<MethodOutput<'getAppInfo'>>(api, 'getAppInfo', {}, io, false);
    io.out(`${info.version}\n`);
    return EXIT.OK;
  }
  const { command, rest, json } = parsed;
  try {
    switch (command) {
      case 'info': {
        const info = await call<MethodOutput<'getAppInfo'>>(api, 'getAppInfo', {}, io, json);
        if (json) printJson(io, info);
        else io.out(table([['Bootmend', info.version], ['Platform', `${info.platform} ${info.arch}`], ['Node.js', info.nodeVersion], ['Data folder', info.dataDir]]));
        return EXIT.OK;
      }
      case 'machine': {
        const machine = await call<MethodOutput<'getMachineOverview'>>(api, 'getMachineOverview', {}, io, json);
        if (json) {
          printJson(io, machine);
          return EXIT.OK;
        }
        io.out(`${machine.hostname}  ${[machine.manufacturer, machine.model].filter(Boolean).join(' ')}\n`);
        io.out(`${machine.os.distro} ${machine.os.release} (${machine.os.arch}), ${machine.cpu.cores} cores, ${formatBytes(machine.memoryBytes)} memory\n\n`);
        io.out(
          table([
            ['DEVICE', 'SIZE', 'BUS', 'NAME', 'NOTE'],
            ...machine.disks.map((d) => [d.device, formatBytes(d.size), d.bus || '—', d.name, d.isSystem ? 'system disk' : d.removable ? 'removable' : '']),
          ]),
        );
        return EXIT.OK;
      }
      case 'tools': {
        const { tools } = await call<MethodOutput<'checkTools'>>(api, 'checkTools', {}, io, json);
        if (json) printJson(io, { tools });
        else io.out(table([['TOOL', 'FOUND', 'VERSION', 'FOR'], ...tools.map((t) => [t.name, t.found ? 'yes' : 'no', t.version ?? '', t.purpose])]));
        return EXIT.OK;
      }
      case 'settings': {
        const sub = rest[0] ?? 'get';
        if (sub === 'get') {
          const settings = await call<MethodOutput<'getSettings'>>(api, 'getSettings', {}, io, json);
          if (json) printJson(io, settings);
          else io.out(table(Object.entries(settings).map(([k, v]) => [k, String(v)])));
          return EXIT.OK;
        }
        if (sub === 'set') {
          const changes = parseAssignments(rest.slice(1));
          const saved = await call<MethodOutput<'saveSettings'>>(api, 'saveSettings', changes, io, json);
          if (json) printJson(io, saved);
          else io.out('Settings saved.\n');
          return EXIT.OK;
        }
        throw new UsageError(`"settings ${sub}" is not a command; use "settings get" or "settings set KEY=VALUE".`);
      }
      case 'serve': {
        const { launchWebHost } = await import('./web/launch.js');
        const port = parsed.port === undefined ? 0 : Number(parsed.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a number from 0 to 65535.');
        const host = await launchWebHost({ port, open: !parsed.noOpen, ...(parsed.dataDir ? { dataDir: parsed.dataDir } : {}) });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await host.close();
        return EXIT.OK;
      }
      default:
        throw new UsageError(`"${command}" is not a bootmend command.`);
    }
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

const SETTING_KEYS = Object.keys(SettingsSchema.shape);

function parseAssignments(pairs: string[]): Record<string, string> {
  if (pairs.length === 0) throw new UsageError(`settings set needs KEY=VALUE pairs; keys: ${SETTING_KEYS.join(', ')}.`);
  const changes: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (eq === -1 || !SETTING_KEYS.includes(key)) throw new UsageError(`"${pair}" is not KEY=VALUE with a known key (${SETTING_KEYS.join(', ')}).`);
    changes[key] = pair.slice(eq + 1);
  }
  return changes;
}

// Run when executed (bin/bootmend.mjs imports this file), not when a test imports main().
if (process.argv[1] && /bootmend(\.mjs)?$|cli\.ts$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
