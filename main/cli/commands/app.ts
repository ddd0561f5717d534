import { SettingsSchema } from '../../../core/settings/schemas.js';
import { formatBytes } from '../../../core/progress.js';
import { callApi, printJson } from '../call.js';
import { UsageError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { table } from '../output.js';

export const info: Command = {
  name: 'info',
  usage: 'version, host and data folder',
  async run({ api, io, json }) {
    const result = await callApi(api, 'getAppInfo', {}, io, json);
    if (json) printJson(io, result);
    else io.out(table([['Bootmend', result.version], ['Platform', `${result.platform} ${result.arch}`], ['Node.js', result.nodeVersion], ['Data folder', result.dataDir]]));
    return EXIT.OK;
  },
};

export const thisLaptop: Command = {
  name: 'this-laptop',
  usage: 'this laptop\'s system, OS and disks (system disk marked); "machine" is its old name',
  async run({ api, io, json }) {
    const m = await callApi(api, 'getThisLaptop', {}, io, json);
    if (json) {
      printJson(io, m);
      return EXIT.OK;
    }
    io.out(`${m.hostname}  ${[m.manufacturer, m.model].filter(Boolean).join(' ')}\n`);
    io.out(`${m.os.distro} ${m.os.release} (${m.os.arch}), ${m.cpu.cores} cores, ${formatBytes(m.memoryBytes)} memory\n\n`);
    io.out(
      table([
        ['DEVICE', 'SIZE', 'BUS', 'NAME', 'NOTE'],
        ...m.disks.map((d) => [d.device, formatBytes(d.size), d.bus || '—', d.name, d.isSystem ? 'system disk' : d.removable ? 'removable' : '']),
      ]),
    );
    return EXIT.OK;
  },
};

/** The old name of `this-laptop`, kept for scripts; "machine" now means the PC being recovered. */
export const machineAlias: Command = {
  name: 'machine',
  usage: thisLaptop.usage,
  hidden: true,
  async run(ctx) {
    ctx.io.err('bootmend: "machine" is now "this-laptop" (a machine is the PC being recovered); the old name still works.\n');
    return thisLaptop.run(ctx);
  },
};

export const tools: Command = {
  name: 'tools',
  usage: 'look for optional helper tools (wimlib, DISM, 7-Zip, xorriso, QEMU)',
  async run({ api, io, json }) {
    const { tools: found } = await callApi(api, 'checkTools', {}, io, json);
    if (json) printJson(io, { tools: found });
    else io.out(table([['TOOL', 'FOUND', 'VERSION', 'FOR'], ...found.map((t) => [t.name, t.found ? 'yes' : 'no', t.version ?? '', t.purpose])]));
    return EXIT.OK;
  },
};

const SETTING_KEYS = Object.keys(SettingsSchema.shape);

export const settingsGet: Command = {
  name: 'settings get',
  usage: 'show saved settings ("settings" alone does the same)',
  async run({ api, io, json }) {
    const settings = await callApi(api, 'getSettings', {}, io, json);
    if (json) printJson(io, settings);
    else io.out(table(Object.entries(settings).map(([k, v]) => [k, String(v)])));
    return EXIT.OK;
  },
};

export const settingsSet: Command = {
  name: 'settings set',
  usage: `KEY=VALUE...  change settings (${SETTING_KEYS.join(', ')})`,
  async run({ api, io, json, args }) {
    const saved = await callApi(api, 'saveSettings', parseAssignments(args), io, json);
    if (json) printJson(io, saved);
    else io.out('Settings saved.\n');
    return EXIT.OK;
  },
};

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

export const serve: Command = {
  name: 'serve',
  usage: 'start the web host (the technician app in a browser); --port N, --no-open',
  options: { port: { type: 'string' }, 'no-open': { type: 'boolean' } },
  async run({ options, dataDir }) {
    const { launchWebHost } = await import('../../web/launch.js');
    const port = options.port === undefined ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a number from 0 to 65535.');
    const host = await launchWebHost({ port, open: options['no-open'] !== true, ...(dataDir ? { dataDir } : {}) });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await host.close();
    return EXIT.OK;
  },
};
