import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { keysContract } from '../../core/keys/contract.js';
import type { Services } from '../services/services.js';
import { keyCodes } from './codes.js';
import { ROTATION_ADVICE } from './reveal.js';

export function keysHandlers(services: Services): HandlersOf<typeof keysContract> {
  const { vault, settings } = services;
  return {
    getVaultStatus: () => vault.status(),
    unlockVault: (request) => vault.unlock(request),
    lockVault: () => vault.lock(),
    importKeys: (request, ctx) =>
      vault.import(
        request,
        (done, total, message) => ctx.progress({ phase: 'importing', message, bytesDone: done, bytesTotal: total, speed: null, etaSeconds: null, fraction: total > 0 ? done / total : null }),
        ctx.signal,
      ),
    lookupKey: async ({ query }) => vault.lookup(query),
    revealKey: async (request) => {
      const { technicianName } = await settings.read();
      const revealed = await vault.reveal({ ...request, technician: technicianName.trim() || 'unnamed technician' });
      return { ...revealed, ...(await keyCodes(revealed.password)), rotationAdvice: ROTATION_ADVICE.join(' ') };
    },
    listRevealedKeys: () => vault.revealedList(),
    wipeVault: () => vault.wipe(),
  };
}
