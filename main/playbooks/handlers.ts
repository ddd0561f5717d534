import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { playbooksContract } from '../../core/playbooks/contract.js';
import type { Services } from '../services/services.js';
import { listPlaybooks } from './loader.js';

export function playbooksHandlers(services: Services): HandlersOf<typeof playbooksContract> {
  return {
    listPlaybooks: async () => {
      const userFolder = services.files.playbooks;
      const catalog = await listPlaybooks({ userDir: userFolder });
      return {
        playbooks: catalog.playbooks,
        refused: catalog.refused.map((r) => ({ file: r.file, declaredId: r.declaredId, message: r.message })),
        userFolder,
      };
    },
  };
}
