import { BootmendError } from '../../../core/errors.js';
import { resolvePlaybook, validatePlaybookFile } from '../../playbooks/loader.js';
import { callApi, printJson } from '../call.js';
import { UsageError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { table } from '../output.js';

export const playbooksList: Command = {
  name: 'playbooks list',
  usage: 'built-in and your own playbooks (refused files are listed with the reason)',
  async run({ api, io, json }) {
    const catalog = await callApi(api, 'listPlaybooks', {}, io, json);
    if (json) {
      printJson(io, catalog);
      return catalog.refused.length > 0 ? EXIT.FAILED : EXIT.OK;
    }
    io.out(
      table([
        ['ID', 'VERSION', 'SOURCE', 'TITLE'],
        ...catalog.playbooks.map(({ playbook, source }) => [playbook.id, playbook.version, source, playbook.title]),
      ]),
    );
    io.out(`\nYour own playbooks go in ${catalog.userFolder}\n`);
    for (const refused of catalog.refused) io.err(`refused: ${refused.message}\n`);
    return catalog.refused.length > 0 ? EXIT.FAILED : EXIT.OK;
  },
};

export const playbooksShow: Command = {
  name: 'playbooks show',
  usage: '<id|file>  the whole playbook as JSON (built-in or your own, as "playbooks list" shows them)',
  async run({ api, io, args }) {
    const [idOrFile] = args;
    if (!idOrFile) throw new UsageError('playbooks show needs a playbook id or file.');
    // The data folder's playbooks too, as listPlaybooks and buildMedium find them (the API has no "get one" method yet).
    printJson(io, (await resolvePlaybook(idOrFile, { userDir: api.services.files.playbooks })).playbook);
    return EXIT.OK;
  },
};

export const playbooksValidate: Command = {
  name: 'playbooks validate',
  usage: '<file>  check a playbook file; every problem is named with its field (exit 1 if invalid)',
  async run({ io, json, args }) {
    const [file] = args;
    if (!file) throw new UsageError('playbooks validate needs a file.');
    let loaded;
    try {
      loaded = await validatePlaybookFile(file);
    } catch (error) {
      // An invalid playbook is the answer, not a usage mistake: exit 1 with every problem.
      if (!(error instanceof BootmendError) || error.code !== 'INVALID_INPUT') throw error;
      if (json) printJson(io, { valid: false, problems: error.message.split('\n') });
      else io.err(`${error.message}\n`);
      return EXIT.FAILED;
    }
    if (json) printJson(io, { valid: true, id: loaded.playbook.id, version: loaded.playbook.version, source: loaded.source });
    else io.out(`${file}: valid playbook ${loaded.playbook.id} ${loaded.playbook.version}.\n`);
    return EXIT.OK;
  },
};
