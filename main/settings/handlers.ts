import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { settingsContract } from '../../core/settings/contract.js';
import type { Services } from '../services/services.js';
import { probeTool } from './tools.js';

export function settingsHandlers(services: Services): HandlersOf<typeof settingsContract> {
  return {
    getSettings: () => services.settings.read(),
    saveSettings: async (changes) => {
      const saved = await services.settings.save(changes);
      // A new backend address is tried at once: what waits in the journal goes there now.
      if (changes.backendUrl !== undefined && services.sync.started) void services.sync.syncNow();
      return saved;
    },
    checkTools: async (_input, ctx) => {
      const tools = services.tools;
      const found = [];
      for (const [index, def] of tools.entries()) {
        ctx.signal.throwIfAborted();
        ctx.progress({
          phase: 'checking',
          message: `Looking for ${def.name}`,
          bytesDone: index,
          bytesTotal: tools.length,
          speed: null,
          etaSeconds: null,
          fraction: index / tools.length,
        });
        found.push(await probeTool(def, ctx.signal));
      }
      // A check cancelled while its last tool answered is still cancelled: a half list would read as "not installed".
      ctx.signal.throwIfAborted();
      ctx.progress({ phase: 'done', message: 'All tools checked', bytesDone: tools.length, bytesTotal: tools.length, speed: null, etaSeconds: 0, fraction: 1 });
      return { tools: found };
    },
  };
}
