import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { appContract } from '../../core/app/contract.js';
import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { Services } from '../services/services.js';
import { resolveBackend } from '../backend/connection.js';
import { syncStatus } from '../sync/handlers.js';
import { checkBackend } from './status.js';

export const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
  productName: string;
  version: string;
};

export function appHandlers(services: Services): HandlersOf<typeof appContract> {
  return {
    getAppInfo: async () => ({
      name: packageJson.productName,
      version: packageJson.version,
      host: services.host,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: services.electronVersion,
      dataDir: services.files.dataDir,
    }),
    getStatus: async () => {
      const { backendUrl } = await services.settings.read();
      const resolved = await resolveBackend(services);
      // The outbox: journal events the backend has not acknowledged (main/journal/journal.ts).
      const [backend, sync] = await Promise.all([checkBackend(resolved.connection?.url ?? backendUrl, services.fetchImpl), syncStatus(services, false, resolved)]);
      return { backend, journal: { pendingSync: sync.waiting }, sync };
    },
    cancelJob: async ({ jobId }) => ({ cancelled: services.jobs.cancel(jobId) }),
  };
}
