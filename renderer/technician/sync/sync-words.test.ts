import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../core/sync/schemas.js';
import { plainTokenWarning, syncSentence, syncShort, tokenSentence } from './sync-words.js';

const AT = '2026-12-05T12:03:00.000Z';
const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function sync(changes: Partial<SyncStatus>): SyncStatus {
  return { target: { source: 'settings', url: 'https://bootmend.example.org' }, waiting: 0, running: false, lastSyncAt: null, failure: null, nextAttemptAt: null, lastReport: null, ...changes };
}

describe("the status bar's sync words", () => {
  it('says how many records wait and when the last sync was', () => {
    expect(syncShort(sync({ waiting: 4, lastSyncAt: AT }))).toEqual({ text: `4 waiting to sync · last sync ${clock(AT)}`, tone: 'neutral' });
    expect(syncShort(sync({ lastSyncAt: AT }))).toEqual({ text: `All synced · last sync ${clock(AT)}`, tone: 'success' });
  });

  it('says offline and when it tries again, or that the backend refused the token (no retry: Settings must change)', () => {
    const retryAt = '2026-12-05T12:05:30.000Z';
    expect(syncShort(sync({ waiting: 2, failure: { kind: 'unreachable', detail: 'The backend cannot be reached.' }, nextAttemptAt: retryAt }))).toEqual({ text: `2 waiting to sync · offline, retrying at ${clock(retryAt)}`, tone: 'warning' });
    expect(syncShort(sync({ waiting: 2, failure: { kind: 'refused', detail: 'refused' }, nextAttemptAt: null }))).toEqual({ text: '2 waiting to sync · the backend refused the token', tone: 'danger' });
  });

  it('says what is missing when there is nowhere to send to', () => {
    expect(syncShort(sync({ target: { source: null, problem: 'no-token' }, waiting: 3 })).text).toBe('3 waiting to sync · no token saved');
    expect(syncSentence(sync({ target: { source: null, problem: 'no-url' }, waiting: 1 }))).toBe('1 record waiting: no backend is set, so records stay on this laptop.');
  });
});

describe('the saved token in Settings', () => {
  it('shows only its last four characters, and warns where no keychain wraps it', () => {
    expect(tokenSentence({ set: true, hint: 'BiuY', keptBy: 'keychain' })).toBe("A token ending in …BiuY is saved, protected by this laptop's keychain.");
    expect(plainTokenWarning({ set: true, hint: 'BiuY', keptBy: 'keychain' })).toBeNull();
    expect(plainTokenWarning({ set: true, hint: 'BiuY', keptBy: 'file' })).toMatch(/^No OS keychain here, so the token is stored unencrypted/);
    expect(plainTokenWarning({ set: false, hint: null, keptBy: null })).toBeNull();
  });
});
