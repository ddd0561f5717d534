import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { mediaContract } from '../../core/media/contract.js';
import { buildPayload } from '../payload/build.js';
import { resolvePlaybook } from '../playbooks/loader.js';
import type { Services } from '../services/services.js';
import { inspectBase } from './build/base.js';
import { buildMedium } from './build/build-medium.js';
import { wimlibVersion } from './build/inject.js';
import { throttledProgress } from './build/progress.js';

export function mediaHandlers(services: Services): HandlersOf<typeof mediaContract> {
  const userDir = services.files.playbooks;
  return {
    buildPayload: async ({ playbook: idOrFile, out, overwrite }) => {
      const { playbook } = await resolvePlaybook(idOrFile, { userDir });
      const built = await buildPayload({ playbook, outDir: out, ...(overwrite ? { overwrite: true } : {}) });
      return { payloadDir: built.payloadDir, mediumId: built.mediumId, playbook: { id: built.playbookId, version: built.playbookVersion }, files: built.files };
    },
    inspectMediaBase: async ({ base }) => {
      const wimlib = (await wimlibVersion()) !== null;
      const { adk: _adk, ...info } = await inspectBase(base, { wimlib });
      return { ...info, canInject: wimlib || process.platform === 'win32' };
    },
    buildMedium: async (request, ctx) => {
      const { playbook } = await resolvePlaybook(request.playbook, { userDir });
      return buildMedium({
        playbook,
        format: request.format,
        out: request.out,
        ...(request.base ? { base: request.base } : {}),
        ...(request.drivers ? { drivers: request.drivers } : {}),
        ...(request.timestamp ? { timestamp: new Date(request.timestamp) } : {}),
        ...(request.overwrite ? { overwrite: true } : {}),
        onProgress: throttledProgress(ctx.jobId ?? 'job', ctx.progress),
        signal: ctx.signal,
      });
    },
  };
}
