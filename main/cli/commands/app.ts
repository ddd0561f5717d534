import { GraphSettingsSchema, SettingsSchema, type GraphSettings, type Settings } from '../../../core/settings/schemas.js';
import type { MethodInput } from '../../../core/api/contract.js';
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

const PLAIN_KEYS = Object.keys(SettingsSchema.shape).filter((key) => key !== 'graph');
const GRAPH_KEYS = Object.keys(GraphSettingsSchema.shape).map((key) => `graph.${key}`);
/** The Microsoft Graph set-up is two settings on the command line; `graph=off` removes it. */
const SETTING_KEYS = [...PLAIN_KEYS, ...GRAPH_KEYS, 'graph'];

export const settingsGet: Command = {
  name: 'settings get',
  usage: 'show saved settings ("settings" alone does the same)',
  async run({ api, io, json }) {
    const settings = await callApi(api, 'getSettings', {}, io, json);
    if (json) printJson(io, settings);
    else io.out(table(settingRows(settings)));
    return EXIT.OK;
  },
};

export const settingsSet: Command = {
  name: 'settings set',
  usage: `KEY=VALUE...  change settings (${SETTING_KEYS.join(', ')}; graph=off turns the Microsoft Graph lookup off)`,
  async run({ api, io, json, args }) {
    const { plain, graph } = parseAssignments(args);
    const changes: MethodInput<'saveSettings'> = graph ? { ...plain, graph: graphChange(graph, (await callApi(api, 'getSettings', {}, io, json)).graph) } : plain;
    const saved = await callApi(api, 'saveSettings', changes, io, json);
    if (json) printJson(io, saved);
    else io.out('Settings saved.\n');
    return EXIT.OK;
  },
};

function settingRows(settings: Settings): string[][] {
  const { graph, ...plain } = settings;
  const rows = Object.entries(plain).map(([key, value]) => [key, String(value)]);
  return graph ? [...rows, ...Object.entries(graph).map(([key, value]) => [`graph.${key}`, value])] : [...rows, ['graph', 'off']];
}

/** The Graph fields named, on top of the saved ones (one can change alone); `off` removes the set-up. */
function graphChange(given: Partial<GraphSettings> | 'off', saved: GraphSettings | undefined): GraphSettings | null {
  if (given === 'off') return null;
  const merged = { ...saved, ...given };
  const missing = GRAPH_KEYS.find((key) => !merged[key.slice('graph.'.length) as keyof GraphSettings]);
  if (missing) throw new UsageError(`${missing} is needed too: Microsoft Graph needs the tenant (graph.tenantId) and the application (client) ID (graph.clientId).`);
  return merged as GraphSettings;
}

function parseAssignments(pairs: string[]): { plain: Record<string, string>; graph: Partial<GraphSettings> | 'off' | null } {
  if (pairs.length === 0) throw new UsageError(`settings set needs KEY=VALUE pairs; keys: ${SETTING_KEYS.join(', ')}.`);
  const plain: Record<string, string> = {};
  let graph: Partial<GraphSettings> | 'off' | null = null;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq === -1 || !SETTING_KEYS.includes(key)) throw new UsageError(`"${pair}" is not KEY=VALUE with a known key (${SETTING_KEYS.join(', ')}).`);
    if (key === 'graph') {
      if (value !== 'off') throw new UsageError('graph=off turns the Microsoft Graph lookup off; set it up with graph.tenantId=… graph.clientId=….');
      graph = 'off';
    } else if (key.startsWith('graph.')) {
      if (graph === 'off') throw new UsageError('graph=off and graph.… cannot go together.');
      graph = { ...(graph ?? {}), [key.slice('graph.'.length)]: value };
    } else plain[key] = value;
  }
  return { plain, graph };
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
