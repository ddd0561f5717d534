import { create } from 'zustand';
import { MIN_PASSPHRASE, type ImportSummary, type KeyFormatOption, type GraphSignIn, type KeySummaryInfo, type LookupKeyResult, type RevealedKey, type RevealedList, type VaultStatus } from '../../../core/keys/schemas.js';
import type { ApiClient } from '../../api/client.js';
import { isBootmendError } from '../../../core/errors.js';
import { describeError, fieldFailure, type FieldFailure } from '../../state/errors.js';
import { IDLE_JOB, isActive, jobRunner, type JobState } from '../../state/job.js';

/**
 * The Keys screen: vault state, lookup, the audited reveal, import, the revealed list and
 * wipe. The recovery password lives in `revealed` only while the reveal view shows it:
 * hide() (by hand, after REVEAL_VISIBLE_MS, on lock, on leaving the screen) drops it, and
 * it is never written to a log, the title, the URL or storage.
 */

/** The contract's rule for a new vault (core/keys/schemas.ts), checked here too so the form answers at once. */
export { MIN_PASSPHRASE };
/** The reveal view hides itself after this long: a password left on an unattended screen is a leak. */
export const REVEAL_VISIBLE_MS = 5 * 60_000;
/** A copied password is wiped from the clipboard after this long. */
export const CLIPBOARD_CLEAR_MS = 60_000;
/**
 * The web host refuses importKeys bodies above 64 MiB (main/web/server.ts); the key text goes
 * in the JSON body, so say so before sending rather than after.
 */
export const WEB_IMPORT_LIMIT_BYTES = 64 * 1024 * 1024 - 64 * 1024;

export type VaultPhase = 'loading' | 'unavailable' | 'absent' | 'locked' | 'unlocked';

export type FocusTarget = 'passphrase' | 'lookup' | 'reveal-form' | 'revealed' | 'import-summary';

export type UnlockField = 'passphrase' | 'repeat' | 'alsoUnlockWithLaptopLogin';
const UNLOCK_FIELDS = ['passphrase', 'alsoUnlockWithLaptopLogin'] as const;
export type RevealField = 'machine' | 'reason';
export const IMPORT_FIELDS = ['sources', 'expires', 'scope'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export interface LookupState {
  status: 'idle' | 'running' | 'done' | 'failed';
  /** The query the result is for. */
  query: string;
  result: LookupKeyResult | null;
  error: string | null;
}

/** The backend's key escrow, asked when the vault has no match (the server audits it too). */
export interface EscrowState {
  status: 'idle' | 'running' | 'done' | 'failed';
  /** The key ID asked for. */
  query: string;
  /** Several escrowed keys start so: no passwords; choosing one asks again with its whole ID. */
  candidates: KeySummaryInfo[] | null;
  message: string | null;
  error: string | null;
  /** Who was asked: the backend's escrow, or Microsoft Graph (signed in). */
  source?: RemoteKeySource;
}

/** Where a key the vault does not hold is asked for, by key ID: both answer alike (one revealed, or candidates). */
export type RemoteKeySource = 'escrow' | 'graph';

export interface EscrowAsk {
  keyId: string;
  machine: string;
  reason: string;
  /** The journal machine (the Recover screen): the local audit event names it. */
  machineId?: string | undefined;
}

export interface ClipboardState {
  status: 'idle' | 'copied' | 'refused' | 'cleared';
  /** Epoch ms at which the copied password is wiped from the clipboard. */
  clearAt: number | null;
}

/** The clipboard as the store needs it (navigator.clipboard in the app, a fake in tests). */
export interface ClipboardWriter {
  writeText(text: string): Promise<void>;
}

export interface ImportOptions {
  format: KeyFormatOption;
  /** One pattern a line or comma-separated; empty: import every row. */
  scope: string;
  /** yyyy-mm-dd from a date input; empty: keep the vault's expiry. */
  expires: string;
}

export interface ImportFile {
  name: string;
  text: string;
}

interface KeysState {
  status: VaultStatus | null;
  statusError: string | null;
  unlockBusy: boolean;
  unlockFailure: FieldFailure<UnlockField> | null;

  lookup: LookupState;
  /** The key the reveal form is for: the found key, or the candidate picked from an ambiguous list. */
  selected: KeySummaryInfo | null;
  revealBusy: boolean;
  revealFailure: FieldFailure<RevealField> | null;
  /** SECRET while set. */
  revealed: RevealedKey | null;
  escrow: EscrowState;
  /** The Microsoft Graph sign-in as the privileged side last said (null until asked). */
  graph: GraphSignIn | null;
  /** Why the last sign-in request failed (e.g. Microsoft unreachable). */
  graphError: string | null;
  /** Epoch ms at which the reveal view hides itself. */
  revealedUntil: number | null;
  clipboard: ClipboardState;

  importing: JobState<ImportSummary, ImportField>;
  revealedList: RevealedList | null;
  revealedListError: string | null;
  wipeBusy: boolean;
  wipeError: string | null;
  /** Set after a wipe, until the next vault is made, for the "wiped" note. */
  wiped: boolean;

  /** Which element should take focus; `seq` changes on every request. */
  focus: { target: FocusTarget; seq: number } | null;

  refresh(client: ApiClient): Promise<void>;
  /** With `alsoUnlockWithLaptopLogin`, the vault key is also kept in this laptop's keychain (the technician's choice, off by default). */
  unlock(client: ApiClient, passphrase: string, alsoUnlockWithLaptopLogin?: boolean): Promise<void>;
  /** Unlocks with the copy of the vault key in the OS keychain (Electron safeStorage): no passphrase typed. */
  unlockWithKeychain(client: ApiClient): Promise<void>;
  create(client: ApiClient, passphrase: string, repeat: string, alsoUnlockWithLaptopLogin?: boolean): Promise<void>;
  lock(client: ApiClient): Promise<void>;
  clearUnlockFailure(): void;
  runLookup(client: ApiClient, query: string): Promise<void>;
  select(key: KeySummaryInfo): void;
  clearRevealFailure(field: RevealField): void;
  /** `machineId`: the journal machine the reveal is for (the Recover screen), named in the audit event. */
  reveal(client: ApiClient, machine: string, reason: string, machineId?: string): Promise<void>;
  /** Asks the backend's escrow for a key ID the vault does not hold: one match is revealed (and audited) like a vault reveal. */
  /** `source` graph asks Microsoft Graph (signed in) instead of the backend's escrow. */
  askEscrow(client: ApiClient, ask: EscrowAsk, source?: RemoteKeySource): Promise<void>;
  refreshGraph(client: ApiClient): Promise<void>;
  signInGraph(client: ApiClient): Promise<void>;
  signOutGraph(client: ApiClient): Promise<void>;
  hide(clipboard?: ClipboardWriter): void;
  copyPassword(clipboard: ClipboardWriter | undefined): Promise<void>;
  clearClipboard(clipboard: ClipboardWriter | undefined): Promise<void>;
  importFiles(client: ApiClient, files: ImportFile[], options: ImportOptions): Promise<void>;
  resetImport(): void;
  loadRevealedList(client: ApiClient): Promise<void>;
  wipe(client: ApiClient, confirm: string): Promise<void>;
}

/** This laptop can open the vault from the OS keychain: the host has one and the vault holds a key wrapped with it. */
export function keychainUnlockable(status: VaultStatus | null): boolean {
  return status !== null && status.safeStorageAvailable && status.keySources.includes('safe-storage');
}

export function vaultPhase(status: VaultStatus | null, statusError: string | null): VaultPhase {
  if (!status) return statusError ? 'unavailable' : 'loading';
  if (!status.exists) return 'absent';
  return status.unlocked ? 'unlocked' : 'locked';
}

/** What the create form can say before asking the privileged side. */
export function checkNewPassphrase(passphrase: string, repeat: string): FieldFailure<UnlockField> | null {
  if (passphrase.length < MIN_PASSPHRASE) return { field: 'passphrase', message: `Use at least ${MIN_PASSPHRASE} characters.` };
  if (repeat !== passphrase) return { field: 'repeat', message: 'The two passphrases differ: type the same one twice.' };
  return null;
}

export function parseScope(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}

/** End of the chosen day, local time: "expires on 31 August" should still work on 31 August. */
export function expiryFromDate(date: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T23:59:59` : undefined;
}

/** "Locked" from the privileged side (auto-lock after idle time): the screen must follow. */
function isLockedError(error: unknown): boolean {
  return isBootmendError(error) && error.code === 'UNAUTHORIZED';
}

const IDLE_LOOKUP: LookupState = { status: 'idle', query: '', result: null, error: null };
export const IDLE_ESCROW: EscrowState = { status: 'idle', query: '', candidates: null, message: null, error: null };
const IDLE_CLIPBOARD: ClipboardState = { status: 'idle', clearAt: null };

let revealTimer: ReturnType<typeof setTimeout> | null = null;
let clipboardTimer: ReturnType<typeof setTimeout> | null = null;
/** The clipboard the last copy went to, so the timed clear and hide() reach the same one. */
let copiedTo: ClipboardWriter | undefined;

function stopTimer(timer: ReturnType<typeof setTimeout> | null): null {
  if (timer) clearTimeout(timer);
  return null;
}

export const useKeys = create<KeysState>()((set, get) => {
  /** Everything a locked vault must not keep on screen. */
  const forgetUnlocked = (): Partial<KeysState> => {
    revealTimer = stopTimer(revealTimer);
    return { lookup: IDLE_LOOKUP, escrow: IDLE_ESCROW, selected: null, revealed: null, revealedUntil: null, revealFailure: null, revealBusy: false };
  };

  const importJob = jobRunner<KeysState, ImportSummary, ImportField>({ set, get, read: (s) => s.importing, write: (importing) => ({ importing }), fields: IMPORT_FIELDS });

  const focus = (target: FocusTarget): Pick<KeysState, 'focus'> => ({ focus: { target, seq: (get().focus?.seq ?? 0) + 1 } });

  const graphCall = async (request: () => Promise<GraphSignIn>): Promise<void> => {
    try {
      set({ graph: await request(), graphError: null });
    } catch (error) {
      set({ graphError: describeError(error) });
    }
  };

  /** Applies a new status; a vault that is no longer unlocked drops the password and the lookup. */
  const applyStatus = (status: VaultStatus): void => {
    const wasUnlocked = get().status?.unlocked === true;
    if (!status.unlocked) {
      if (get().revealed) void get().clearClipboard(copiedTo);
      set({ status, statusError: null, ...forgetUnlocked(), ...(wasUnlocked ? focus('passphrase') : {}) });
    } else set({ status, statusError: null });
  };

  /** A revealed password on screen for REVEAL_VISIBLE_MS, from the vault or the escrow alike. */
  const show = (client: ApiClient, revealed: RevealedKey): void => {
    revealTimer = stopTimer(revealTimer);
    revealTimer = setTimeout(() => get().hide(copiedTo), REVEAL_VISIBLE_MS);
    set({ revealBusy: false, revealed, revealedUntil: Date.now() + REVEAL_VISIBLE_MS, clipboard: IDLE_CLIPBOARD, ...focus('revealed') });
    void get().loadRevealedList(client);
  };

  const afterLockedError = async (client: ApiClient, error: unknown): Promise<boolean> => {
    if (!isLockedError(error)) return false;
    await get().refresh(client);
    return true;
  };

  return {
    status: null,
    statusError: null,
    unlockBusy: false,
    unlockFailure: null,
    lookup: IDLE_LOOKUP,
    escrow: IDLE_ESCROW,
    graph: null,
    graphError: null,
    selected: null,
    revealBusy: false,
    revealFailure: null,
    revealed: null,
    revealedUntil: null,
    clipboard: IDLE_CLIPBOARD,
    importing: IDLE_JOB,
    revealedList: null,
    revealedListError: null,
    wipeBusy: false,
    wipeError: null,
    wiped: false,
    focus: null,

    async refresh(client) {
      try {
        applyStatus(await client.call('getVaultStatus', {}));
      } catch (error) {
        set({ statusError: describeError(error) });
      }
    },

    async unlock(client, passphrase, alsoUnlockWithLaptopLogin = false) {
      if (passphrase === '') {
        set({ unlockFailure: { field: 'passphrase', message: 'Type the vault passphrase.' }, ...focus('passphrase') });
        return;
      }
      set({ unlockBusy: true, unlockFailure: null });
      try {
        const status = await client.call('unlockVault', alsoUnlockWithLaptopLogin ? { passphrase, alsoUnlockWithLaptopLogin } : { passphrase });
        set({ unlockBusy: false, wiped: false });
        applyStatus(status);
        set(focus('lookup'));
      } catch (error) {
        // A wrong passphrase (UNAUTHORIZED) names no field, but it is about the passphrase.
        const failure = fieldFailure(error, UNLOCK_FIELDS);
        set({ unlockBusy: false, unlockFailure: isLockedError(error) ? { ...failure, field: 'passphrase' } : failure, ...focus('passphrase') });
      }
    },

    async unlockWithKeychain(client) {
      set({ unlockBusy: true, unlockFailure: null });
      try {
        const status = await client.call('unlockVault', {});
        set({ unlockBusy: false, wiped: false });
        applyStatus(status);
        set(focus('lookup'));
      } catch (error) {
        // The passphrase still works when the keychain does not (another user, a reset keychain);
        // ticking the choice with it writes a fresh keychain copy.
        set({
          unlockBusy: false,
          unlockFailure: { message: `${describeError(error)} Type the passphrase instead; tick "Also unlock with this laptop's login" to renew the keychain copy.`, field: null },
          ...focus('passphrase'),
        });
      }
    },

    async create(client, passphrase, repeat, alsoUnlockWithLaptopLogin = false) {
      const problem = checkNewPassphrase(passphrase, repeat);
      if (problem) {
        set({ unlockFailure: problem, ...focus('passphrase') });
        return;
      }
      set({ unlockBusy: true, unlockFailure: null });
      try {
        const status = await client.call('unlockVault', alsoUnlockWithLaptopLogin ? { passphrase, create: true, alsoUnlockWithLaptopLogin } : { passphrase, create: true });
        set({ unlockBusy: false, wiped: false, importing: IDLE_JOB });
        applyStatus(status);
        set(focus('lookup'));
      } catch (error) {
        set({ unlockBusy: false, unlockFailure: fieldFailure(error, UNLOCK_FIELDS), ...focus('passphrase') });
      }
    },

    async lock(client) {
      get().hide(copiedTo);
      try {
        applyStatus(await client.call('lockVault', {}));
      } catch (error) {
        set({ statusError: describeError(error) });
      }
    },

    clearUnlockFailure() {
      if (get().unlockFailure) set({ unlockFailure: null });
    },

    async runLookup(client, query) {
      const text = query.trim();
      if (text === '') {
        set({ lookup: { status: 'failed', query: text, result: null, error: 'Type the key ID shown on the recovery screen (8 or more characters) or a device name.' }, selected: null });
        return;
      }
      set({ lookup: { status: 'running', query: text, result: get().lookup.result, error: null }, escrow: IDLE_ESCROW, revealFailure: null });
      try {
        const result = await client.call('lookupKey', { query: text });
        set({ lookup: { status: 'done', query: text, result, error: null }, selected: result.kind === 'found' ? result.key : null });
        if (result.kind === 'found') set(focus('reveal-form'));
      } catch (error) {
        if (await afterLockedError(client, error)) return;
        set({ lookup: { status: 'failed', query: text, result: null, error: describeError(error) }, selected: null });
      }
    },

    select(key) {
      set({ selected: key, revealFailure: null, ...focus('reveal-form') });
    },

    clearRevealFailure(field) {
      if (get().revealFailure?.field === field) set({ revealFailure: null });
    },

    async reveal(client, machine, reason, machineId) {
      const key = get().selected;
      if (!key || get().revealBusy) return;
      if (machine.trim() === '') {
        set({ revealFailure: { field: 'machine', message: 'Type the name of the PC you are unlocking: it goes into the audit record.' } });
        return;
      }
      if (reason.trim() === '') {
        set({ revealFailure: { field: 'reason', message: 'Say why you need the password: it goes into the audit record.' } });
        return;
      }
      set({ revealBusy: true, revealFailure: null });
      try {
        const revealed = await client.call('revealKey', { id: key.id, machine: machine.trim(), reason: reason.trim(), ...(machineId === undefined ? {} : { machineId }) });
        show(client, revealed);
      } catch (error) {
        set({ revealBusy: false });
        if (await afterLockedError(client, error)) return;
        set({ revealFailure: fieldFailure(error, ['machine', 'reason'] as const) });
      }
    },

    async askEscrow(client, ask, source = 'escrow') {
      const keyId = ask.keyId.trim();
      if (get().escrow.status === 'running') return;
      const asked = { ...IDLE_ESCROW, source, query: keyId };
      if (keyId.replace(/[{}-]/g, '').length < 8) {
        set({ escrow: { ...asked, status: 'failed', error: 'Type at least the first 8 characters of the key ID from the blue screen.' } });
        return;
      }
      set({ escrow: { ...asked, status: 'running' }, revealFailure: null });
      try {
        const answer = await client.call(source === 'graph' ? 'lookupGraphKey' : 'lookupEscrowKey', { keyId, machine: ask.machine.trim(), reason: ask.reason.trim(), ...(ask.machineId === undefined ? {} : { machineId: ask.machineId }) });
        if (answer.match === 'ambiguous') {
          set({ escrow: { ...asked, status: 'done', candidates: answer.candidates, message: answer.message } });
          return;
        }
        const { id, device, created } = answer.revealed;
        set({ escrow: { ...asked, status: 'done' }, selected: { id, device, created, volumeType: null } });
        show(client, answer.revealed);
      } catch (error) {
        set({ escrow: { ...asked, status: 'failed', error: describeError(error) } });
      }
    },

    async refreshGraph(client) {
      await graphCall(() => client.call('getGraphSignIn', {}));
    },

    async signInGraph(client) {
      await graphCall(() => client.call('startGraphSignIn', {}));
    },

    async signOutGraph(client) {
      await graphCall(() => client.call('signOutGraph', {}));
    },

    hide(clipboard) {
      const wasShown = get().revealed !== null;
      revealTimer = stopTimer(revealTimer);
      if (get().clipboard.status === 'copied') void get().clearClipboard(clipboard ?? copiedTo);
      set({ revealed: null, revealedUntil: null, ...(wasShown ? focus('lookup') : {}) });
    },

    async copyPassword(clipboard) {
      const revealed = get().revealed;
      if (!revealed) return;
      if (!clipboard) {
        set({ clipboard: { status: 'refused', clearAt: null } });
        return;
      }
      try {
        await clipboard.writeText(revealed.password);
      } catch {
        set({ clipboard: { status: 'refused', clearAt: null } });
        return;
      }
      copiedTo = clipboard;
      clipboardTimer = stopTimer(clipboardTimer);
      clipboardTimer = setTimeout(() => void get().clearClipboard(clipboard), CLIPBOARD_CLEAR_MS);
      set({ clipboard: { status: 'copied', clearAt: Date.now() + CLIPBOARD_CLEAR_MS } });
    },

    async clearClipboard(clipboard) {
      clipboardTimer = stopTimer(clipboardTimer);
      if (get().clipboard.status !== 'copied') return;
      set({ clipboard: { status: 'cleared', clearAt: null } });
      copiedTo = undefined;
      try {
        // Overwrite rather than read-and-compare: reading the clipboard needs a permission we do not ask for.
        await clipboard?.writeText('');
      } catch {
        // The window lost focus or the permission was withdrawn: nothing more can be done from here.
      }
    },

    async importFiles(client, files, options) {
      if (isActive(get().importing)) return;
      const refuse = (field: ImportField, message: string): void => set({ importing: { status: 'failed', failure: { field, message } } });
      if (files.length === 0) {
        refuse('sources', 'Choose or drop at least one key export file first.');
        return;
      }
      if (client.host === 'web') {
        // Measured as JSON, the way it travels: quotes and line ends grow when escaped.
        const bytes = files.reduce((sum, file) => sum + new Blob([JSON.stringify(file.text)]).size, 0);
        if (bytes > WEB_IMPORT_LIMIT_BYTES) {
          refuse(
            'sources',
            `These files hold ${(bytes / 1024 / 1024).toFixed(1)} MB; in the browser window Bootmend can import up to 64 MB at a time. Import fewer files at once, or use the command line: bootmend keys import <file>.`,
          );
          return;
        }
      }
      const scope = parseScope(options.scope);
      const expires = expiryFromDate(options.expires);
      if (options.expires !== '' && !expires) {
        refuse('expires', 'Choose a date like 2024-08-31, or leave it empty.');
        return;
      }
      const input = {
        sources: files.map((file) => ({ name: file.name, text: file.text })),
        format: options.format,
        ...(scope.length > 0 ? { scope } : {}),
        ...(expires ? { expires } : {}),
      };
      await importJob.run((signals) => client.stream('importKeys', input, signals), {
        done: () => focus('import-summary'),
        // Locked meanwhile: the screen follows the vault, nothing to say about the import.
        handledElsewhere: (error) => afterLockedError(client, error),
      });
      if (get().importing.status === 'done') await get().refresh(client);
    },

    resetImport() {
      set({ importing: IDLE_JOB });
    },

    async loadRevealedList(client) {
      try {
        set({ revealedList: await client.call('listRevealedKeys', {}), revealedListError: null });
      } catch (error) {
        set({ revealedListError: describeError(error) });
      }
    },

    async wipe(client, confirm) {
      if (confirm !== 'WIPE') {
        set({ wipeError: 'Type WIPE in capital letters to confirm.' });
        return;
      }
      get().hide(copiedTo);
      set({ wipeBusy: true, wipeError: null });
      try {
        const status = await client.call('wipeVault', { confirm: 'WIPE' });
        applyStatus(status);
        set({ wipeBusy: false, wiped: true, importing: IDLE_JOB, unlockFailure: null, ...focus('passphrase') });
      } catch (error) {
        set({ wipeBusy: false, wipeError: describeError(error) });
      }
    },
  };
});

/** For tests: back to a fresh store and no timers. */
export function resetKeysStore(): void {
  revealTimer = stopTimer(revealTimer);
  clipboardTimer = stopTimer(clipboardTimer);
  copiedTo = undefined;
  useKeys.setState(useKeys.getInitialState(), true);
}
