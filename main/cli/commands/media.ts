import { playbookChecksLines } from '../../../core/media/playbook-checks.js';
import { SECURE_BOOT_BITLOCKER_HINT, bootPromptSentence, driversSentence, launchSentence, secureBootSentence } from '../../../core/media/medium-words.js';
import { MediumFormat } from '../../../core/media/schemas.js';
import { formatBytes } from '../../../core/progress.js';
import { callApi, printJson } from '../call.js';
import { UsageError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

export const mediaBuild: Command = {
  name: 'media build',
  usage:
    '--playbook ID|FILE --format iso|usb-image|folder --out PATH [--base DIR|ISO|WIM] [--drivers DIR] [--timestamp ISO8601] [--overwrite]  (--drivers: copy the driver folders in DIR to bootmend\\drivers on the medium, loaded with drvload at the PC; on Windows also added to WinPE with DISM. --overwrite replaces only an earlier Bootmend medium and keeps its results and quarantine folders)',
  options: {
    playbook: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    base: { type: 'string' },
    drivers: { type: 'string' },
    timestamp: { type: 'string' },
    overwrite: { type: 'boolean' },
  },
  async run({ api, io, json, options }) {
    const { playbook, format, out, base, drivers, timestamp } = options;
    if (typeof playbook !== 'string') throw new UsageError('media build needs --playbook ID|FILE (see "bootmend playbooks list").');
    if (typeof out !== 'string') throw new UsageError('media build needs --out PATH.');
    const parsedFormat = MediumFormat.safeParse(format);
    if (!parsedFormat.success) throw new UsageError(`media build needs --format ${MediumFormat.options.join('|')}.`);
    const built = await callApi(
      api,
      'buildMedium',
      {
        playbook,
        format: parsedFormat.data,
        out,
        ...(typeof base === 'string' ? { base } : {}),
        ...(typeof drivers === 'string' ? { drivers } : {}),
        ...(typeof timestamp === 'string' ? { timestamp } : {}),
        ...(options.overwrite === true ? { overwrite: true } : {}),
      },
      io,
      json,
    );
    if (json) {
      printJson(io, built);
      return EXIT.OK;
    }
    io.out(`Built ${built.out} (${formatBytes(built.bytes)}) from ${built.playbook.id} ${built.playbook.version}.\n`);
    if (built.sha256) io.out(`SHA-256 ${built.sha256}\n`);
    io.out(`Medium id ${built.mediumId}\n`);
    if (built.base) {
      io.out(`Base ${built.base.root}: ${built.base.injected ? 'WinPE runs fix.cmd by itself' : 'run fix.cmd by hand'}; starts on ${[built.base.bootable.uefi ? 'UEFI' : '', built.base.bootable.bios ? 'BIOS' : ''].filter(Boolean).join(' and ') || 'nothing'}.\n`);
      for (const missing of built.base.missing) io.out(`  missing ${missing}\n`);
      for (const line of playbookChecksLines(built.base.checks ?? [])) io.out(`${line}\n`);
      if (built.base.launch) io.out(`${launchSentence(built.base.launch)}\n`);
      if (built.base.bootPrompt) io.out(`${bootPromptSentence(built.base.bootPrompt)}\n`);
      if (built.base.secureBoot) io.out(`${secureBootSentence(built.base.secureBoot)}\n${SECURE_BOOT_BITLOCKER_HINT}\n`);
    } else {
      io.out('Payload only: at the PC, open the WinRE command prompt and run \\bootmend\\fix.cmd from this medium.\n');
    }
    if (built.driversOnMedium) io.out(`${driversSentence(built.driversOnMedium)}\n`);
    return EXIT.OK;
  },
};

export const payloadBuild: Command = {
  name: 'payload build',
  usage: '--playbook ID|FILE --out DIR [--overwrite]  the fix.cmd folder for any medium (--overwrite replaces a bootmend folder Bootmend made, keeping its results and quarantine folders)',
  options: { playbook: { type: 'string' }, out: { type: 'string' }, overwrite: { type: 'boolean' } },
  async run({ api, io, json, options }) {
    const { playbook, out } = options;
    if (typeof playbook !== 'string') throw new UsageError('payload build needs --playbook ID|FILE (see "bootmend playbooks list").');
    if (typeof out !== 'string') throw new UsageError('payload build needs --out DIR.');
    const built = await callApi(api, 'buildPayload', { playbook, out, ...(options.overwrite === true ? { overwrite: true } : {}) }, io, json);
    if (json) printJson(io, built);
    else io.out(`Wrote ${built.payloadDir} (${built.files.length} files) from ${built.playbook.id} ${built.playbook.version}, medium id ${built.mediumId}.\n`);
    return EXIT.OK;
  },
};
