import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { HostKind } from '../core/api/contract.js';
import { createDispatcher, type Dispatcher, type Handlers } from '../core/api/dispatcher.js';
import { JobRegistry } from '../core/api/jobs.js';
import { listDrives } from './drives/list.js';
import { inspectBase } from './media/build/base.js';
import { buildMedium } from './media/build/build-medium.js';
import { wimlibVersion } from './media/build/inject.js';
import { throttledProgress } from './media/build/progress.js';
import { defaultDataDir } from './services/data-folder.js';
import { buildPayload } from './payload/build.js';
import { listPlaybooks, resolvePlaybook, userPlaybookDir } from './playbooks/loader.js';
import { SettingsStore } from './settings/store.js';
import { checkBackend, NO_JOURNAL_YET, type PendingCounter } from './app/status.js';
import { readMachineOverview } from './this-laptop/overview.js';
import { KNOWN_TOOLS, probeTool, type ToolDefinition } from './settings/tools.js';
import { keyCodes } from './keys/codes.js';
import { ROTATION_ADVICE } from './keys/reveal.js';
import { VaultSession } from './keys/session.js';
import { runElevated, verifyImage, writeImage } from './drives/write/index.js';
import { toProgressEvent } from '../core/drives/write-rules.js';
import type { WriteProgress } from '../core/drives/write.js';
import type { KeySource } from './keys/store.js';

/** Set to 1 to offer loop devices as drives (tests and demos on a machine with no USB stick). */
export const LIST_LOOP_DEVICES_ENV = 'BOOTMEND_LIST_LOOP_DEVICES';

export interface ApiOptions {
  host: z.infer<typeof HostKind>;
  dataDir?: string;
  electronVersion?: string | null;
  journal?: PendingCounter;
  tools?: ToolDefinition[];
  fetchImpl?: typeof fetch;
  onInternalError?: (method: string, error: unknown) => void;
  /** The OS keychain as a vault key source (Electron's safeStorage), when the host has one. */
  keychain?: KeySource | null | (() => KeySource | null);
}

export interface BootmendApi {
  handlers: Handlers;
  dispatcher: Dispatcher;
  jobs: JobRegistry;
  dataDir: string;
  vault: VaultSession;
}

const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
  productName: string;
  version: string;
};

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** THE local API: the implementation of every method declared in core/api/contract.ts. */
export function createApi(options: ApiOptions): BootmendApi {
  const dataDir = options.dataDir ?? defaultDataDir();
  const settings = new SettingsStore(dataDir);
  const jobs = new JobRegistry();
  const journal = options.journal ?? NO_JOURNAL_YET;
  const tools = options.tools ?? KNOWN_TOOLS;
  const vault = new VaultSession({ dataDir, keychain: options.keychain ?? null });

  const handlers: Handlers = {
    getAppInfo: async () => ({
      name: packageJson.productName,
      version: packageJson.version,
      host: options.host,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: options.electronVersion ?? process.versions.electron ?? null,
      dataDir,
    }),
    getStatus: async () => {
      const { backendUrl } = await settings.read();
      const [backend, pendingSync] = await Promise.all([checkBackend(backendUrl, options.fetchImpl), journal.pendingSync()]);
      return { backend, journal: { pendingSync } };
    },
    getMachineOverview: () => readMachineOverview(),
    getSettings: () => settings.read(),
    saveSettings: (changes) => settings.save(changes),
    checkTools: async (_input, ctx) => {
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
      ctx.progress({ phase: 'done', message: 'All tools checked', bytesDone: tools.length, bytesTotal: tools.length, speed: null, etaSeconds: 0, fraction: 1 });
      return { tools: found };
    },
    listDrives: async ({ includeUsbHdd, imagePath }) => {
      const imageSize = imagePath ? await stat(imagePath).then((info) => info.size, () => undefined) : undefined;
      const drives = await listDrives({
        ...(includeUsbHdd !== undefined ? { includeUsbHdd } : {}),
        // Loop devices stand in for USB sticks in the loop-device proofs and demos.
        ...(process.env[LIST_LOOP_DEVICES_ENV] === '1' ? { includeLoop: true } : {}),
        ...(imagePath ? { imagePath } : {}),
        ...(imageSize !== undefined ? { imageSize } : {}),
      });
      return { drives };
    },
    listPlaybooks: async () => {
      const userFolder = userPlaybookDir(dataDir);
      const catalog = await listPlaybooks({ userDir: userFolder });
      return {
        playbooks: catalog.playbooks,
        refused: catalog.refused.map((r) => ({ file: r.file, declaredId: r.declaredId, message: r.message })),
        userFolder,
      };
    },
    buildPayload: async ({ playbook: idOrFile, out, overwrite }) => {
      const { playbook } = await resolvePlaybook(idOrFile, { userDir: userPlaybookDir(dataDir) });
      const built = await buildPayload({ playbook, outDir: out, ...(overwrite ? { overwrite: true } : {}) });
      return { payloadDir: built.payloadDir, mediumId: built.mediumId, playbook: { id: built.playbookId, version: built.playbookVersion }, files: built.files };
    },
    inspectMediaBase: async ({ base }) => {
      const wimlib = (await wimlibVersion()) !== null;
      const { adk: _adk, ...info } = await inspectBase(base, { wimlib });
      return { ...info, canInject: wimlib || process.platform === 'win32' };
    },
    buildMedium: async (request, ctx) => {
      const { playbook } = await resolvePlaybook(request.playbook, { userDir: userPlaybookDir(dataDir) });
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
    writeDrives: async (request, ctx) => {
      const verify = request.verify ?? true;
      const guard = {
        ...(request.includeUsbHdd !== undefined ? { includeUsbHdd: request.includeUsbHdd } : {}),
        ...(request.confirm !== undefined ? { confirm: request.confirm } : {}),
      };
      const onProgress = (p: WriteProgress): void => ctx.progress({ ...toProgressEvent(p, verify), drives: p.drives });
      // Root (CI, a technician's root shell) writes in-process; anyone else goes through an elevated child.
      return isRoot()
        ? writeImage({ image: request.image, targets: request.drives, verify, guard, signal: ctx.signal, onProgress })
        : runElevated({ kind: 'write', image: request.image, targets: request.drives, verify, guard }, { signal: ctx.signal, onProgress });
    },
    verifyDrive: async ({ image, drive }, ctx) => {
      const onProgress = (p: WriteProgress): void => ctx.progress({ ...toProgressEvent(p, false), drives: p.drives });
      return isRoot()
        ? verifyImage({ image, target: drive, signal: ctx.signal, onProgress })
        : runElevated({ kind: 'verify', image, target: drive }, { signal: ctx.signal, onProgress });
    },
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
    cancelJob: async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  };

  const dispatcher = createDispatcher({ handlers, jobs, ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}) });
  return { handlers, dispatcher, jobs, dataDir, vault };
}
