import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BootmendError } from '../../../core/errors.js';
import type { ImportSummary, RevealedKey, VaultStatus } from '../../../core/keys/schemas.js';
import type { ApiClient } from '../../api/client.js';
import { fakeClient as fakeApi, type FakeHandlers } from '../../state/fake-client.js';
import {
  checkNewPassphrase,
  CLIPBOARD_CLEAR_MS,
  expiryFromDate,
  keychainUnlockable,
  parseScope,
  resetKeysStore,
  REVEAL_VISIBLE_MS,
  useKeys,
  WEB_IMPORT_LIMIT_BYTES,
  vaultPhase,
  type ClipboardWriter,
} from './store.js';

// A fake password in the checksum-valid form (each block a multiple of 11); never a real key.
const PASSWORD = '452243-049214-114345-105017-371888-000682-463177-088396';
const KEY = { id: '2C8A6B9F-316C-6E71-0603-C40A0906D6BE', device: 'PC-BER-001', created: '2024-07-19T08:00:00Z', volumeType: null };

function status(overrides: Partial<VaultStatus> = {}): VaultStatus {
  return {
    path: '/data/vault.bmv',
    exists: true,
    unlocked: true,
    keys: 3,
    devices: 3,
    expiresAt: null,
    expired: false,
    keySources: ['scrypt-passphrase'],
    safeStorageAvailable: false,
    safeStorageUnavailableReason: "Only the Bootmend desktop app can use this laptop's login to unlock the vault; here, type the passphrase.",
    autoLockMinutes: 15,
    updatedAt: null,
    ...overrides,
  };
}

const REVEALED: RevealedKey = { ...KEY, password: PASSWORD, eventId: 'ev-1', qrSvg: '<svg/>', barcodes: [], rotationAdvice: 'Rotate it.' };

/** The Electron host's client by default (the web host's import limit is tested on its own). */
function fakeClient(handlers: FakeHandlers, host: ApiClient['host'] = 'electron') {
  const client = fakeApi(handlers, host);
  return { client, calls: client.calls };
}

function recordingClipboard(options: { refuse?: boolean } = {}): ClipboardWriter & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    async writeText(text) {
      if (options.refuse) throw new DOMException('Write permission denied.', 'NotAllowedError');
      writes.push(text);
    },
  };
}

/** Unlocked, with KEY looked up and selected, ready to reveal. */
async function readyToReveal(extra: FakeHandlers = {}) {
  const fake = fakeClient({
    getVaultStatus: () => status(),
    lookupKey: () => ({ kind: 'found', key: KEY }),
    revealKey: () => REVEALED,
    listRevealedKeys: () => ({ revealed: [], advice: '', csv: '', damagedJournalLines: 0 }),
    lockVault: () => status({ unlocked: false, keys: null, devices: null }),
    ...extra,
  });
  await useKeys.getState().refresh(fake.client);
  await useKeys.getState().runLookup(fake.client, '2c8a6b9f');
  return fake;
}

beforeEach(() => resetKeysStore());
afterEach(() => {
  resetKeysStore();
  vi.useRealTimers();
});

describe('keys state: the vault', () => {
  it('tells loading, unavailable, absent, locked and unlocked apart', () => {
    expect(vaultPhase(null, null)).toBe('loading');
    expect(vaultPhase(null, 'The Bootmend service is not answering.')).toBe('unavailable');
    expect(vaultPhase(status({ exists: false, unlocked: false }), null)).toBe('absent');
    expect(vaultPhase(status({ unlocked: false }), null)).toBe('locked');
    expect(vaultPhase(status(), null)).toBe('unlocked');
  });

  it('refuses a short or mistyped new passphrase beside the field at fault, without asking the service', async () => {
    expect(checkNewPassphrase('short', 'short')).toEqual({ field: 'passphrase', message: 'Use at least 8 characters.' });
    expect(checkNewPassphrase('long enough', 'long enougH')?.field).toBe('repeat');
    expect(checkNewPassphrase('long enough', 'long enough')).toBeNull();
    const { client, calls } = fakeClient({});
    await useKeys.getState().create(client, 'long enough', 'different!');
    expect(calls).toEqual([]);
    expect(useKeys.getState().unlockFailure?.field).toBe('repeat');
  });

  it('creates a vault with create: true and sends the keyboard to the lookup box', async () => {
    const { client, calls } = fakeClient({ unlockVault: () => status({ keys: 0, devices: 0 }) });
    await useKeys.getState().create(client, 'long enough', 'long enough');
    expect(calls).toEqual([{ name: 'unlockVault', input: { passphrase: 'long enough', create: true } }]);
    expect(vaultPhase(useKeys.getState().status, null)).toBe('unlocked');
    expect(useKeys.getState().focus?.target).toBe('lookup');
  });

  it("sends alsoUnlockWithLaptopLogin only when the technician ticked it, and shows a refusal of it beside the choice", async () => {
    const { client, calls } = fakeClient({ unlockVault: () => status() });
    await useKeys.getState().unlock(client, 'long enough');
    await useKeys.getState().unlock(client, 'long enough', true);
    await useKeys.getState().create(client, 'long enough', 'long enough', true);
    expect(calls.map((c) => c.input)).toEqual([
      { passphrase: 'long enough' },
      { passphrase: 'long enough', alsoUnlockWithLaptopLogin: true },
      { passphrase: 'long enough', create: true, alsoUnlockWithLaptopLogin: true },
    ]);
    resetKeysStore();
    const refused = fakeClient({
      unlockVault: () => {
        throw new BootmendError('INVALID_INPUT', 'No keyring answers on this Linux desktop (basic_text).', { field: 'alsoUnlockWithLaptopLogin' });
      },
    });
    await useKeys.getState().unlock(refused.client, 'long enough', true);
    expect(useKeys.getState().unlockFailure).toEqual({ field: 'alsoUnlockWithLaptopLogin', message: 'No keyring answers on this Linux desktop (basic_text).' });
  });

  it("the passphrase minimum is the contract's: a short new passphrase is refused by the schema at the passphrase field", async () => {
    const { UnlockVaultRequestSchema, MIN_PASSPHRASE } = await import('../../../core/keys/schemas.js');
    const { describeZodError } = await import('../../../core/errors.js');
    const parsed = UnlockVaultRequestSchema.safeParse({ passphrase: 'short', create: true });
    expect(parsed.success).toBe(false);
    const error = describeZodError(parsed.error!, 'Invalid request to unlockVault');
    expect(error).toMatchObject({ field: 'passphrase', message: `The vault passphrase must be at least ${MIN_PASSPHRASE} characters for a new vault.` });
    // An existing vault opens with the passphrase it has.
    expect(UnlockVaultRequestSchema.safeParse({ passphrase: 'short' }).success).toBe(true);
    expect(UnlockVaultRequestSchema.safeParse({ alsoUnlockWithLaptopLogin: true }).success).toBe(false);
  });

  it('shows a wrong passphrase beside the passphrase field and keeps the cursor there', async () => {
    const { client } = fakeClient({
      unlockVault: () => {
        throw new BootmendError('UNAUTHORIZED', 'The vault passphrase is wrong (or the vault file was changed). Nothing was decrypted.');
      },
    });
    await useKeys.getState().unlock(client, 'nope nope');
    expect(useKeys.getState().unlockFailure).toEqual({ field: 'passphrase', message: expect.stringContaining('passphrase is wrong') });
    expect(useKeys.getState().focus?.target).toBe('passphrase');
    expect(useKeys.getState().unlockBusy).toBe(false);
  });

  it('offers the keychain only when the host has one and the vault holds a key wrapped with it', () => {
    expect(keychainUnlockable(status({ unlocked: false, safeStorageAvailable: true, keySources: ['scrypt-passphrase', 'safe-storage'] }))).toBe(true);
    expect(keychainUnlockable(status({ unlocked: false, safeStorageAvailable: false, keySources: ['scrypt-passphrase', 'safe-storage'] }))).toBe(false);
    expect(keychainUnlockable(status({ unlocked: false, safeStorageAvailable: true, keySources: ['scrypt-passphrase'] }))).toBe(false);
    expect(keychainUnlockable(null)).toBe(false);
  });

  it('unlocks from the keychain with no passphrase sent, and falls back to the passphrase when the keychain refuses', async () => {
    const ok = fakeClient({ unlockVault: () => status() });
    await useKeys.getState().unlockWithKeychain(ok.client);
    expect(ok.calls).toEqual([{ name: 'unlockVault', input: {} }]);
    expect(vaultPhase(useKeys.getState().status, null)).toBe('unlocked');
    expect(useKeys.getState().focus?.target).toBe('lookup');
    resetKeysStore();
    const refused = fakeClient({
      unlockVault: () => {
        throw new BootmendError('UNAUTHORIZED', "This computer's keychain could not open the vault.");
      },
    });
    await useKeys.getState().unlockWithKeychain(refused.client);
    expect(useKeys.getState().unlockFailure).toEqual({ field: null, message: expect.stringContaining("Type the passphrase instead; tick \"Also unlock with this laptop's login\" to renew the keychain copy.") });
    expect(useKeys.getState().focus?.target).toBe('passphrase');
    expect(useKeys.getState().unlockBusy).toBe(false);
  });

  it('follows an auto-lock on the privileged side: a locked answer drops the lookup and asks for the passphrase', async () => {
    let unlocked = true;
    const { client } = fakeClient({
      getVaultStatus: () => status({ unlocked }),
      lookupKey: () => {
        throw new BootmendError('UNAUTHORIZED', 'The key vault is locked: unlock it with its passphrase first.');
      },
    });
    await useKeys.getState().refresh(client);
    unlocked = false;
    await useKeys.getState().runLookup(client, 'PC-BER-001');
    expect(vaultPhase(useKeys.getState().status, null)).toBe('locked');
    expect(useKeys.getState().lookup.status).toBe('idle');
    expect(useKeys.getState().focus?.target).toBe('passphrase');
  });
});

describe('keys state: lookup and reveal', () => {
  it('selects a found key and moves on to the reveal form; an ambiguous answer selects nothing', async () => {
    await readyToReveal();
    expect(useKeys.getState().selected).toEqual(KEY);
    expect(useKeys.getState().focus?.target).toBe('reveal-form');

    const { client } = fakeClient({ lookupKey: () => ({ kind: 'ambiguous', candidates: [KEY, { ...KEY, id: '2C8A6B9F-0000-0000-0000-000000000000' }], total: 2, message: '2 keys start with that ID' }) });
    await useKeys.getState().runLookup(client, '2C8A6B9F');
    expect(useKeys.getState().selected).toBeNull();
    useKeys.getState().select(KEY);
    expect(useKeys.getState().selected).toEqual(KEY);
  });

  it('does not ask the service about an empty query', async () => {
    const { client, calls } = fakeClient({});
    await useKeys.getState().runLookup(client, '   ');
    expect(calls).toEqual([]);
    expect(useKeys.getState().lookup.error).toContain('8 or more characters');
  });

  it('needs a machine and a reason before revealing, and sends the trimmed values with the full key ID', async () => {
    const { client, calls } = await readyToReveal();
    await useKeys.getState().reveal(client, '  ', 'Recovery screen after the faulty update');
    expect(useKeys.getState().revealFailure?.field).toBe('machine');
    await useKeys.getState().reveal(client, 'PC-BER-001', ' ');
    expect(useKeys.getState().revealFailure?.field).toBe('reason');
    expect(calls.filter((c) => c.name === 'revealKey')).toEqual([]);

    await useKeys.getState().reveal(client, ' PC-BER-001 ', ' Recovery screen after the faulty update ');
    expect(calls.find((c) => c.name === 'revealKey')?.input).toEqual({ id: KEY.id, machine: 'PC-BER-001', reason: 'Recovery screen after the faulty update' });
    expect(useKeys.getState().revealed?.password).toBe(PASSWORD);
    expect(useKeys.getState().focus?.target).toBe('revealed');
    expect(calls.some((c) => c.name === 'listRevealedKeys')).toBe(true);
  });

  it('drops the password from the state on Hide, after REVEAL_VISIBLE_MS, and when the vault locks', async () => {
    vi.useFakeTimers();
    const { client } = await readyToReveal();
    await useKeys.getState().reveal(client, 'PC-BER-001', 'why');
    useKeys.getState().hide();
    expect(useKeys.getState().revealed).toBeNull();
    expect(JSON.stringify(useKeys.getState())).not.toContain(PASSWORD);

    await useKeys.getState().reveal(client, 'PC-BER-001', 'why');
    vi.advanceTimersByTime(REVEAL_VISIBLE_MS - 1000);
    expect(useKeys.getState().revealed).not.toBeNull();
    vi.advanceTimersByTime(1000);
    expect(useKeys.getState().revealed).toBeNull();

    await useKeys.getState().reveal(client, 'PC-BER-001', 'why');
    await useKeys.getState().lock(client);
    expect(useKeys.getState().revealed).toBeNull();
    expect(JSON.stringify(useKeys.getState())).not.toContain(PASSWORD);
  });

  it('shows the service refusal beside the field it names', async () => {
    const { client } = await readyToReveal({
      revealKey: () => {
        throw new BootmendError('INVALID_INPUT', 'A reason must be at most 200 characters.', { field: 'reason' });
      },
    });
    await useKeys.getState().reveal(client, 'PC-BER-001', 'x'.repeat(10));
    expect(useKeys.getState().revealFailure).toEqual({ field: 'reason', message: 'A reason must be at most 200 characters.' });
    expect(useKeys.getState().revealed).toBeNull();
  });
});

describe('keys state: the clipboard', () => {
  it('copies the password, says when it will be cleared, and clears it after 60 s', async () => {
    vi.useFakeTimers();
    const { client } = await readyToReveal();
    await useKeys.getState().reveal(client, 'PC-BER-001', 'why');
    const clipboard = recordingClipboard();
    await useKeys.getState().copyPassword(clipboard);
    expect(clipboard.writes).toEqual([PASSWORD]);
    expect(useKeys.getState().clipboard.status).toBe('copied');
    expect(useKeys.getState().clipboard.clearAt).toBe(Date.now() + CLIPBOARD_CLEAR_MS);
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(clipboard.writes).toEqual([PASSWORD, '']);
    expect(useKeys.getState().clipboard.status).toBe('cleared');
  });

  it('clears the clipboard at once on Hide', async () => {
    const { client } = await readyToReveal();
    await useKeys.getState().reveal(client, 'PC-BER-001', 'why');
    const clipboard = recordingClipboard();
    await useKeys.getState().copyPassword(clipboard);
    useKeys.getState().hide(clipboard);
    await Promise.resolve();
    expect(clipboard.writes).toEqual([PASSWORD, '']);
  });

  it('says so when the window may not use the clipboard', async () => {
    const { client } = await readyToReveal();
    await useKeys.getState().reveal(client, 'PC-BER-001', 'why');
    await useKeys.getState().copyPassword(recordingClipboard({ refuse: true }));
    expect(useKeys.getState().clipboard.status).toBe('refused');
    await useKeys.getState().copyPassword(undefined);
    expect(useKeys.getState().clipboard.status).toBe('refused');
  });
});

describe('keys state: import', () => {
  const SUMMARY: ImportSummary = { imported: 3, duplicates: 0, conflicts: [], rejected: [{ file: 'ad.csv', line: 6, reason: 'bad checksum in block 3' }], outOfScope: 0, warnings: [], files: [{ file: 'ad.csv', layout: 'ad', rows: 4, keys: 3, keyIds: { column: 'Name', encoding: 'name', checkedAgainst: null, agreed: 0, disagreed: 0, fromName: 0 } }], total: 3, expiresAt: null };

  it('sends the files as text with format, scope patterns and an end-of-day expiry, then shows the summary', async () => {
    const seen: (number | null)[] = [];
    const { client, calls } = fakeClient({
      importKeys: (_input, onProgress) => {
        onProgress({ jobId: 'job-1', phase: 'importing', message: 'Reading ad.csv', bytesDone: 0, bytesTotal: 1, speed: null, etaSeconds: null, fraction: 0 });
        const importing = useKeys.getState().importing;
        seen.push(importing.status === 'running' ? (importing.progress?.fraction ?? null) : null);
        return SUMMARY;
      },
      getVaultStatus: () => status(),
    });
    await useKeys.getState().importFiles(client, [{ name: 'ad.csv', text: 'Id,Key\n' }], { format: 'auto', scope: 'PC-BER-*,\n OU=Berlin ', expires: '2024-08-31' });
    expect(calls[0]).toEqual({
      name: 'importKeys',
      input: { sources: [{ name: 'ad.csv', text: 'Id,Key\n' }], format: 'auto', scope: ['PC-BER-*', 'OU=Berlin'], expires: '2024-08-31T23:59:59' },
    });
    expect(seen).toEqual([0]);
    expect(useKeys.getState().importing).toEqual({ status: 'done', result: SUMMARY });
    expect(useKeys.getState().focus?.target).toBe('import-summary');
    expect(calls.at(-1)?.name).toBe('getVaultStatus');
  });

  it('leaves out scope and expiry when they are empty', async () => {
    const { client, calls } = fakeClient({ importKeys: () => SUMMARY, getVaultStatus: () => status() });
    await useKeys.getState().importFiles(client, [{ name: 'a.csv', text: 'x' }], { format: 'graph', scope: ' ', expires: '' });
    expect(calls[0]?.input).toEqual({ sources: [{ name: 'a.csv', text: 'x' }], format: 'graph' });
  });

  it('refuses no files, and more than the web host accepts, before sending anything', async () => {
    const { client, calls } = fakeClient({}, 'web');
    await useKeys.getState().importFiles(client, [], { format: 'auto', scope: '', expires: '' });
    expect(useKeys.getState().importing).toMatchObject({ status: 'failed', failure: { field: 'sources' } });
    await useKeys.getState().importFiles(client, [{ name: 'big.csv', text: 'x'.repeat(WEB_IMPORT_LIMIT_BYTES) }], { format: 'auto', scope: '', expires: '' });
    expect(useKeys.getState().importing).toMatchObject({ status: 'failed', failure: { field: 'sources', message: expect.stringContaining('bootmend keys import') } });
    expect(calls).toEqual([]);
  });

  it('shows an unrecognised file as a failure of the files', async () => {
    const { client } = fakeClient({
      importKeys: () => {
        throw new BootmendError('INVALID_INPUT', 'Nothing was imported: not-keys.csv has no key ID or recovery password column.', { field: 'sources' });
      },
    });
    await useKeys.getState().importFiles(client, [{ name: 'not-keys.csv', text: 'Name,Email\n' }], { format: 'auto', scope: '', expires: '' });
    expect(useKeys.getState().importing).toMatchObject({ status: 'failed', failure: { field: 'sources', message: expect.stringContaining('not-keys.csv') } });
  });
});

describe('keys state: wipe', () => {
  it('wipes only after the word WIPE, then shows the create form', async () => {
    const { client, calls } = fakeClient({ getVaultStatus: () => status(), wipeVault: () => status({ exists: false, unlocked: false, keys: null, devices: null }) });
    await useKeys.getState().refresh(client);
    await useKeys.getState().wipe(client, 'wipe');
    expect(useKeys.getState().wipeError).toContain('WIPE');
    expect(calls.some((c) => c.name === 'wipeVault')).toBe(false);
    await useKeys.getState().wipe(client, 'WIPE');
    expect(calls.at(-1)).toEqual({ name: 'wipeVault', input: { confirm: 'WIPE' } });
    expect(vaultPhase(useKeys.getState().status, null)).toBe('absent');
    expect(useKeys.getState().wiped).toBe(true);
  });
});

describe('keys: what the import form reads', () => {
  it('reads scope patterns from commas and lines, and an expiry date as the end of that day', () => {
    expect(parseScope('PC-BER-*, OU=Berlin\n\nSite=HAM')).toEqual(['PC-BER-*', 'OU=Berlin', 'Site=HAM']);
    expect(expiryFromDate('2024-08-31')).toBe('2024-08-31T23:59:59');
    expect(expiryFromDate('31.08.2024')).toBeUndefined();
  });
});
