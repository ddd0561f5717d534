import type { z } from 'zod';
import type { HostKind } from '../../core/app/contract.js';
import { JobRegistry } from '../../core/api/jobs.js';
import { resolveBackend } from '../backend/connection.js';
import { BackendTokenStore } from '../backend/token-store.js';
import { openJournal, type FileJournal } from '../journal/journal.js';
import { VaultSession, type KeychainState } from '../keys/session.js';
import { SettingsStore } from '../settings/store.js';
import { KNOWN_TOOLS, type ToolDefinition } from '../settings/tools.js';
import { SyncService } from '../sync/service.js';
import { dataFiles, defaultDataDir, type DataFiles } from './data-folder.js';

/**
 * THE composition root: per data folder, the one settings store, the one journal, the vault
 * session (auditing into that journal) and the job registry. The Electron host, the web host
 * and the CLI all start here (through main/api.ts), so two parts of one process can never hold
 * two journals or two vault sessions on the same files.
 */
export interface ServicesOptions {
  host: z.infer<typeof HostKind>;
  dataDir?: string | undefined;
  /** `bootmend keys … --vault FILE`: a vault outside the data folder (its audit stays in the data folder's journal). */
  vaultPath?: string | undefined;
  electronVersion?: string | null | undefined;
  /** The OS keychain as a vault key source (Electron's safeStorage), or why the host has none. */
  keychain?: KeychainState | null | (() => KeychainState | null) | undefined;
  /** Minutes without use before the vault locks itself (default 15; null never). */
  vaultAutoLockMinutes?: number | null | undefined;
  tools?: ToolDefinition[] | undefined;
  fetchImpl?: typeof fetch | undefined;
  /** Sync timings (tests). */
  sync?: { idleMs?: number; firstDelayMs?: number; maxDelayMs?: number } | undefined;
}

export interface Services {
  host: z.infer<typeof HostKind>;
  electronVersion: string | null;
  files: DataFiles;
  settings: SettingsStore;
  journal: FileJournal;
  vault: VaultSession;
  /** The technician's backend token (the URL is in settings). */
  backendToken: BackendTokenStore;
  /** The journal's outbox to the backend; hosts that run the app call `sync.start()`. */
  sync: SyncService;
  jobs: JobRegistry;
  tools: ToolDefinition[];
  fetchImpl: typeof fetch;
}

export function createServices(options: ServicesOptions): Services {
  const files = dataFiles(options.dataDir ?? defaultDataDir());
  const journal = openJournal(files.journal);
  const keychain = options.keychain ?? null;
  const keychainNow = typeof keychain === 'function' ? keychain : () => keychain;
  const fetchImpl = options.fetchImpl ?? fetch;
  const settings = new SettingsStore(files.settings);
  const backendToken = new BackendTokenStore(files.backendToken, keychainNow);
  return {
    host: options.host,
    electronVersion: options.electronVersion ?? process.versions.electron ?? null,
    files,
    settings,
    journal,
    vault: new VaultSession({
      vaultPath: options.vaultPath ?? files.vault,
      journal,
      keychain,
      ...(options.vaultAutoLockMinutes !== undefined ? { autoLockMinutes: options.vaultAutoLockMinutes } : {}),
    }),
    backendToken,
    sync: new SyncService({ journal, resolve: () => resolveBackend({ settings, backendToken }), fetchImpl, ...options.sync }),
    jobs: new JobRegistry(),
    tools: options.tools ?? KNOWN_TOOLS,
    fetchImpl,
  };
}
