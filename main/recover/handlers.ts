import type { HandlersOf } from '../../core/api/dispatcher.js';
import { BootmendError } from '../../core/errors.js';
import type { MachineIdentity } from '../../core/journal/schemas.js';
import type { recoverContract } from '../../core/recover/contract.js';
import type { MachineSummary } from '../../core/backend/schemas.js';
import { pullFleetList } from '../backend/client.js';
import { backendConnection } from '../backend/connection.js';
import type { Services } from '../services/services.js';

/** The journal's identity of a backend machine (the backend allows longer fields than a hostname; they are cut to fit). */
export function identityOfSummary(machine: MachineSummary): MachineIdentity {
  return {
    hostname: machine.hostname.slice(0, 63),
    ...(machine.serial ? { serial: machine.serial.slice(0, 64) } : {}),
    ...(machine.assetTag ? { assetTag: machine.assetTag.slice(0, 64) } : {}),
    ...(machine.site ? { site: machine.site.slice(0, 100) } : {}),
  };
}

export function recoverHandlers(services: Services): HandlersOf<typeof recoverContract> {
  return {
    pullFleetList: async ({ site, status }, ctx) => {
      const connection = await backendConnection(services);
      if (!connection) throw new BootmendError('UNAVAILABLE', 'No backend is set up on this laptop: add its address in Settings and a technician token, then pull the fleet list again.');
      const list = await pullFleetList(connection, { site, status }, { fetchImpl: services.fetchImpl, signal: ctx.signal });
      return {
        site,
        machines: list.machines.map((machine) => ({ backendId: machine.id, identity: identityOfSummary(machine), status: machine.status })),
        pages: list.pages,
        truncated: list.truncated,
        pulledAt: new Date().toISOString(),
      };
    },
  };
}
