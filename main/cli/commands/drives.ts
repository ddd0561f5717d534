import { formatDrivesTable, drivesJson } from '../../drives/cli-format.js';
import { listDrives, readSnapshotFile, saveDriveSnapshot } from '../../drives/list.js';
import { callApi, printJson } from '../call.js';
import { UsageError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

export const drivesList: Command = {
  name: 'drives list',
  usage: 'disks and whether Bootmend may write to each; --include-usb-hdd, --from-snapshot FILE',
  options: { 'include-usb-hdd': { type: 'boolean' }, 'from-snapshot': { type: 'string' } },
  async run({ api, io, json, options }) {
    const includeUsbHdd = options['include-usb-hdd'] === true;
    const from = options['from-snapshot'];
    // This computer's disks: the API's listDrives, the list the app offers. A saved snapshot
    // (another computer's, from a support ticket) has no API method: it is classified here.
    const entries =
      typeof from === 'string'
        ? await listDrives({ includeUsbHdd, snapshot: await readSnapshotFile(from) })
        : (await callApi(api, 'listDrives', { includeUsbHdd }, io, json)).drives;
    if (json) printJson(io, drivesJson(entries));
    else io.out(formatDrivesTable(entries, { includeUsbHdd }));
    return EXIT.OK;
  },
};

export const drivesSnapshot: Command = {
  name: 'drives snapshot',
  usage: "--out FILE  save systeminformation's raw drive data (for a support ticket)",
  options: { out: { type: 'string' } },
  async run({ io, json, options }) {
    const out = options.out;
    if (typeof out !== 'string' || out === '') throw new UsageError('drives snapshot needs --out FILE.');
    const snapshot = await saveDriveSnapshot(out);
    if (json) printJson(io, { out, platform: snapshot.platform });
    else io.out(`Saved this laptop's drive snapshot to ${out}.\n`);
    return EXIT.OK;
  },
};
